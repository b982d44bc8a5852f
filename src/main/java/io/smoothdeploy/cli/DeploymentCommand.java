package io.smoothdeploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** A command about one deployment that prints a result: {@code --id D} and {@code --output json|text}. */
abstract class DeploymentCommand extends ResultCommand {

    @Mixin
    DeploymentId deployment = new DeploymentId();

    /** The deployment's id, required. */
    String id() throws UsageException {
        return deployment.required(getClass().getAnnotation(CommandLine.Command.class).name());
    }
}
