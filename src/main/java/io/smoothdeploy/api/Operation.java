package io.smoothdeploy.api;

/**
 * Each thing the API does, with the role it needs. {@link #approves()} marks the operations an environment's
 * {@code approvers} rule also applies to.
 */
public enum Operation {
    GET_ENVIRONMENT(Role.READER, "read environment"),
    LIST_ENVIRONMENTS(Role.READER, "list the environments"),
    LIST_DEPLOYMENTS(Role.READER, "list an environment's deployments"),
    PUT_ENVIRONMENT(Role.ADMIN, "register or change an environment"),
    DELETE_ENVIRONMENT(Role.ADMIN, "delete an environment"),
    START_DEPLOYMENT(Role.DEPLOYER, "start a deployment"),
    PLAN_DEPLOYMENT(Role.DEPLOYER, "plan a deployment"),
    GET_DEPLOYMENT(Role.READER, "read a deployment"),
    GET_LOG(Role.READER, "read a deployment's log"),
    GET_DIAGNOSIS(Role.READER, "read a deployment's diagnosis"),
    GET_TIMELINE(Role.READER, "read a deployment's timeline"),
    GET_SUPPORT_BUNDLE(Role.READER, "download a support bundle"),
    COMPLETE_DEPLOYMENT(Role.APPROVER, "complete a deployment"),
    ACCEPT_DATA_LOSS(Role.APPROVER, "accept data loss"),
    RESET_DEPLOYMENT(Role.APPROVER, "reset a deployment"),
    CANCEL_DEPLOYMENT(Role.APPROVER, "cancel a deployment, or a reset before its swap back"),
    ROLLBACK_DEPLOYMENT(Role.APPROVER, "roll back a deployment that went live"),
    GET_ME(Role.READER, "see who you are signed in as");

    private final Role needs;
    private final String description;

    Operation(Role needs, String description) {
        this.needs = needs;
        this.description = description;
    }

    /** The role this operation needs. */
    public Role needs() {
        return needs;
    }

    /** What it does, for a message: "complete a deployment". */
    public String description() {
        return description;
    }

    /** The operation's name in {@code GET /me}'s {@code operations}: {@code COMPLETE_DEPLOYMENT} is {@code completeDeployment}. */
    public String wireName() {
        StringBuilder name = new StringBuilder();
        for (String word : name().toLowerCase(java.util.Locale.ROOT).split("_")) {
            name.append(name.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return name.toString();
    }

    /** True for the operations an environment's {@code approvers} can narrow to named principals or groups. */
    public boolean approves() {
        return needs == Role.APPROVER;
    }
}
