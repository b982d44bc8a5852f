package io.smoothdeploy.e2e;

import io.smoothdeploy.engine.DeploymentMode;
import java.util.ArrayList;
import java.util.List;

/**
 * One deployment the fault suite runs again and again: how many web apps, which mode, and how it ends.
 *
 * @param webApps 1 (a CMS main site) or 3 (CMS and Commerce main sites and a scheduler on a maintenance page)
 * @param mode    ReadOnly, ReadWrite or MaintenancePage
 * @param ending  what happens once the deployment awaits verification
 */
record FaultScenario(int webApps, DeploymentMode mode, Ending ending) {

    /** How a scenario's deployment ends. */
    enum Ending {
        /** Complete: go live. */
        COMPLETE,
        /** Reset, keeping the database's changes. */
        RESET,
        /** Reset with rollbackDatabase: the production database is restored to the start. */
        RESET_ROLLBACK,
        /** One web app's staging deployment fails for good, once; a new start resumes; then Complete. */
        FAIL_THEN_RESUME,
        /** A new package while awaiting verification (roll forward); then Complete. */
        ROLL_FORWARD,
        /**
         * Cancel while InProgress, keeping the database's changes: at a random forward step (the run without faults
         * cancels during warm-up, the latest point, so that its swaps and database actions are the most a cancel
         * may make); never reaches verification.
         */
        CANCEL,
        /** The same, with rollbackDatabase: the production database is restored to the start. */
        CANCEL_ROLLBACK,
        /** Complete, then, within the rollback window, roll back: the previous code goes live again (code only). */
        ROLLBACK_AFTER_LIVE,
        /** A two-phase reset: reset with validateBeforeSwap, then Complete finishes it (Reset). */
        TWO_PHASE_RESET
    }

    String name() {
        return webApps + "app-" + mode.wireName() + "-" + ending.name().toLowerCase().replace('_', '-');
    }

    /** Every combination that means something (MaintenancePage has no database to roll back). */
    static List<FaultScenario> all() {
        List<FaultScenario> all = new ArrayList<>();
        for (int webApps : new int[] {1, 3}) {
            for (DeploymentMode mode : DeploymentMode.values()) {
                for (Ending ending : Ending.values()) {
                    if (mode == DeploymentMode.MAINTENANCE_PAGE
                            && (ending == Ending.RESET_ROLLBACK || ending == Ending.CANCEL_ROLLBACK)) {
                        continue;
                    }
                    all.add(new FaultScenario(webApps, mode, ending));
                }
            }
        }
        return all;
    }
}
