package io.smoothdeploy.cli;

/** The command line is wrong: exit code {@link DeployCli#USAGE}. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
