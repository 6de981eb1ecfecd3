/**
 * Codes of a Patchbay cluster (several nodes on a shared bus, docs/cluster.md): Patchbay's own,
 * so its own range (91300-91319 for the bus and nodes, 91340-91349 for devices across nodes,
 * 91350-91359 for conferences, queues and room calls across nodes).
 */
import type { ErrorTable } from './types.js';

export const CLUSTER_ERRORS = {
  91300: {
    title: 'This node has lost the cluster',
    meaning:
      "The node cannot reach the cluster's bus (Redis) for longer than its lease, so the other nodes have taken its work over; it takes no new calls or messages until it reaches the bus again. Answered 503, and its `/health` answers 503 `partitioned`.",
    action:
      'Send the request to another node (a load balancer does when it checks `/health`); restore the connection between this node and Redis.',
  },
  91301: {
    title: 'The node that runs the call is gone',
    meaning:
      'The request is for a call (or conference) that another node runs, and that node is no longer in the cluster. A survivor ends its calls shortly, with their final status callbacks. Answered 503.',
    action: 'Fetch the call again in a few seconds: it will show its final status.',
  },
  91302: {
    title: 'The node that runs the call did not answer',
    meaning: 'The request was forwarded to the node that runs the call, and it did not answer in time. Answered 504.',
    action: 'Retry the request; if it keeps failing, check that node (its log and `/health`).',
  },
  91303: {
    title: 'The bus cannot be reached',
    meaning:
      'The node could not connect to the bus (`--bus redis://...`): at start-up it does not start; while running, see 91300.',
    action: 'Check the Redis URL, that Redis runs and listens on that address, and its password if it needs one.',
  },
  91304: {
    title: 'The node that runs the call failed the request',
    meaning:
      'The request was forwarded to the node that runs the call, and that node failed to carry it out. Answered 502.',
    action: "Look at that node's log for the reason; retry the request.",
  },
  91305: {
    title: 'Bus message too large',
    meaning: 'A message between nodes is over 256 KiB, the most the bus carries (it carries control, never media).',
    action: 'Make the request smaller (the markup of a call update, say).',
  },
  91306: {
    title: 'The node id is in use',
    meaning:
      'A node started with `--node-id` (or the default, host name and port) that a live node of the cluster holds: it does not start (`node-id-taken`). A node that died holds its id until its lease runs out (`--bus-lease-seconds`): the node started again under that id waits that long, then starts; a node that stopped cleanly frees its id at once.',
    action: 'Give each node its own `--node-id`, or stop the node that holds it first.',
  },
  91307: {
    title: 'The node was taken over while it was cut off',
    meaning:
      'A node lost Redis (a network partition, a long freeze) for longer than its lease, and a survivor took it over: ended its calls and messages, released its callbacks. When it reached Redis again it stopped (`node-taken-over`, exit status 1) instead of going on beside its survivor; a node whose cut ended before anything was taken over goes on. A node that finds its id held by another process started since stops the same way, with 91306.',
    action:
      'Start it again (a supervisor does, with `Restart=on-failure`): its id is free, and it starts afresh. Look at why it lost Redis (the network between it and Redis, or an overloaded machine).',
  },
  91340: {
    title: 'A message between nodes about devices is not valid',
    meaning:
      'A node received an invitation, an answer, a cancel or a device control (keys, mute, hang-up) from another node that does not parse: it was refused and changed nothing. Nodes of different Patchbay versions in one cluster can cause it.',
    action: "Run the same Patchbay version on every node; the sending node's log names the message.",
  },
  91350: {
    title: 'Invalid media frame between nodes',
    meaning:
      'A node received, on the media path of a conference participant whose call runs on another node, a frame that is not media it can play. The frame is dropped; the call goes on.',
    action: 'Run the same Patchbay version and media adapter on every node of the cluster.',
  },
  91351: {
    title: 'The conference could not be placed',
    meaning:
      'A caller dialed a conference that lives on another node, and that node refused or vanished before the caller joined. The caller goes on with the next verb, as when a conference is full.',
    action: 'Dial the conference again: it is placed afresh on a live node.',
  },
  91352: {
    title: 'The node that holds the conference is gone',
    meaning:
      'The request is for a conference (or one of its participants) held by a node that is no longer in the cluster. The conference ended with it: its participants on other nodes went on with their next verb. Answered 503.',
    action: 'Dial the conference again to start it afresh on a live node.',
  },
  91353: {
    title: 'The queue could not be reached',
    meaning:
      'A caller was enqueued (or an agent dialed a queue) that lives on another node, and that node vanished or did not answer before the caller was in it. The caller goes on with the Enqueue action, QueueResult `system-error` (the agent, with DialCallStatus `no-answer`).',
    action: 'Enqueue the caller again: the queue is placed afresh on a live node.',
  },
  91354: {
    title: 'The node that holds the queue is gone',
    meaning:
      'The queue lived on a node that is no longer in the cluster. Its waiting callers are moved to the queue placed afresh on a live node (same QueueSid and MaxSize, their order kept); this warning is for a caller that could not be moved (the queue was full there, no node could hold it, or the new node did not answer), which went on with the Enqueue action (QueueResult `system-error`). A REST request that node was answering when it died answers 503.',
    action:
      'Enqueue the caller again (the Enqueue action can do it), or raise the MaxSize if the queue was full; a REST request can be sent again: the queue is answered by the node now holding it.',
  },
  91355: {
    title: 'A message between nodes about a queue is not valid',
    meaning:
      'A node received a message about a queue (a member joining or leaving, an agent taking a member, media for a member bridged across nodes) that does not parse: it was refused and changed nothing. Nodes of different Patchbay versions in one cluster can cause it.',
    action: "Run the same Patchbay version on every node; the sending node's log names the message.",
  },
  91356: {
    title: "The node that ran the room's call is gone",
    meaning:
      "The request is for a room's call that ran on a node no longer in the cluster: the call ended with it (its legs on that node ended, a survivor closes their records). Answered 503.",
    action: 'Start the call again: it is placed afresh on a live node.',
  },
} as const satisfies ErrorTable;
