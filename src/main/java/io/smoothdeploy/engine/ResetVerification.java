package io.smoothdeploy.engine;

import java.util.List;

/**
 * A two-phase reset ({@code "validateBeforeSwap": true}): the reset stops at
 * {@link DeploymentStatus#AWAITING_RESET_VERIFICATION}, before the previous code is swapped back, so that a person can
 * check it on its slot first; Complete then swaps it in, and cancel goes back to where the reset was asked.
 *
 * @param askedFrom    the status the deployment had when the reset was asked (cancel returns to it, from
 *                     AwaitingVerification only)
 * @param stagingLinks the validation links of the new release then, shown again after a cancel
 */
public record ResetVerification(DeploymentStatus askedFrom, List<String> stagingLinks) {

    public ResetVerification {
        stagingLinks = stagingLinks == null ? List.of() : List.copyOf(stagingLinks);
    }
}
