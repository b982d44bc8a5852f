// The step queues. Standard tier: duplicate detection needs Standard or Premium (Basic has none), and
// Standard supports scheduled messages, dead-letter sub-queues and Azure AD (RBAC) authorization.
// disableLocalAuth: SAS keys are refused, so only identities with a data role can send or receive.

param name string
param location string
param tags object = {}

// One queue per step. The function app's queue settings (CloneDbQueue ... ResetQueue, in
// functionapp.bicep) name these queues; InfraConsistencyTest fails when a setting names a queue that is
// not declared here or a queue declared here is not named by any setting.
var stepQueueNames = [
  'clone-db'
  'enter-maintenance'
  'deploy-slot'
  'warm-up'
  'await-verification'
  'complete'
  'reset'
]

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for queueName in stepQueueNames: {
  parent: namespace
  name: queueName
  properties: {
    // PT5M, the longest lock Service Bus allows. A step can run for minutes (a slot swap is waited for up
    // to 8 minutes, slot creation and deletes up to 5), and the Functions host renews the lock while the
    // function runs, up to host.json's maxAutoLockRenewalDuration (00:10:00, equal to functionTimeout).
    // A long lock means few renewals and no lost lock (and so no second, concurrent delivery of a swap
    // step) when one renewal fails; the price is that a message held by a crashed worker comes back only
    // after 5 minutes, which a deployment can afford.
    lockDuration: 'PT5M'

    // 10 deliveries, then the dead-letter sub-queue, whose trigger (DeadLetterFunctions) marks the
    // deployment Failed. Service Bus redelivers an abandoned message at once, with no back-off, and the
    // host has no retry policy for Service Bus triggers, so a small count would be used up in seconds by
    // a short ARM or Table storage hiccup. Long waits never use deliveries: a database copy or a warm-up
    // is checked again by a new, scheduled message. A step that fails every time (a bug, a refused
    // operation) still reaches Failed within 10 quick attempts.
    maxDeliveryCount: 10

    // An expired step message must not vanish: dead-lettered, it marks its deployment Failed (with the
    // step and the web app) instead of leaving it InProgress until the stale-maintenance timer notices.
    deadLetteringOnMessageExpiration: true

    // One day. Step messages are consumed within seconds, and scheduled check-again messages are due
    // seconds later (their TTL counts from their scheduled time); only an orchestrator that is down, or
    // failing on every message, lets one wait. A day rides out an outage of hours; after that the step
    // is dead-lettered and its deployment Failed (retry = resume) rather than carried on unattended by
    // a message days old.
    defaultMessageTimeToLive: 'P1D'

    // Our MessageIds are deterministic: (deployment, round, stage, web app, check number). A second
    // send of the same id inside the window is dropped: a handler redelivered after it had already sent
    // its next message, a pipeline re-attaching with its idempotency key. Scheduled check-again messages
    // carry a new check number, so they are never dropped. PT20M covers the worst such re-send: a
    // handler that sent its next message and then ran into functionTimeout (10 min) and the lock (5 min)
    // before its redelivery. A duplicate that arrives later still does no harm (handlers read the state
    // first and redo nothing); the window stays short because the stale-maintenance timer's Resume
    // deliberately sends the expected messages again, with the same ids, after noProgressLimitMinutes,
    // and those must not be dropped.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT20M'

    requiresSession: false
    enablePartitioning: false
    enableBatchedOperations: true
    maxSizeInMegabytes: 1024
  }
}]

output name string = namespace.name
output id string = namespace.id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output queueNames array = stepQueueNames
