package io.smoothdeploy.local.faults;

/**
 * The places where a step handler's process may die, as a {@link FaultInjector} names them. A crash at any of
 * them is a process death: what was done before it stays done (the cloud changed, the row is in Table storage,
 * the message is in the queue); the delivery is neither completed nor abandoned, so Service Bus hands the
 * message out again only when its peek-lock expires.
 */
public enum CrashPoint {
    /** A cloud call (App Service or Azure SQL) returned: the change was made, the handler never learns it. */
    AFTER_CLOUD_CALL,
    /** A write to the state store succeeded (a commit, a new deployment, an environment saved, ...). */
    AFTER_STATE_COMMIT,
    /** A send to the step queues succeeded: the next messages are on their way. */
    AFTER_SEND,
    /**
     * The handler returned normally, but the process died before the Functions host completed the message
     * (injected by the in-process queue itself): the work is done, and the message comes back after the lock
     * duration.
     */
    BEFORE_COMPLETION
}
