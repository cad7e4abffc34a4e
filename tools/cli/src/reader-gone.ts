/**
 * Ends the process quietly, with exit code 0, when the reader of `stream` goes away (`tasker events ID
 * | head`): the write that finds the pipe closed fails with `EPIPE`, which would otherwise be an
 * unhandled 'error' event and a stack trace. Any other error of the stream is thrown as before.
 */
export function exitQuietlyWhenReaderGoes(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(0);
  });
}
