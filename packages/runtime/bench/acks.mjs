// Acknowledging as the SDK does, for the benchmarks' protocol clients: one cumulative ack per batch
// of sequenced messages (a microtask after the first of the batch).
export function acknowledge(socket, message) {
  if (!message.seq) return;
  if (!socket.ackPending) {
    socket.ackPending = true;
    queueMicrotask(() => {
      socket.ackPending = false;
      socket.send(JSON.stringify({ type: 'ack', seq: socket.lastSeq }));
    });
  }
  socket.lastSeq = message.seq;
}
