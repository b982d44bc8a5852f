package io.smoothdeploy.engine.steps;

import io.smoothdeploy.engine.StepOutcome;

/**
 * One step's work for one run. It reads the cloud before it acts, so a second run of work already done
 * does nothing and reports the same outcome.
 */
interface StageStep {

    StepOutcome run(StepContext context);
}
