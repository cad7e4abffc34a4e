/** A call as far as secrets go: its service and method path. */
interface CallShape {
  readonly service: string;
  readonly method: readonly string[];
}

/** Whether a call passes a secret's value (`tools.keystore.set(name, value)`): recorded sealed, admitted only where it can be. */
export function passesSecret(call: CallShape): boolean {
  return call.service === "keystore" && call.method.length === 1 && call.method[0] === "set";
}

/** Whether a call's result is a secret's value (`tools.keystore.get(name)`): recorded sealed, opened only in the VM. */
export function returnsSecret(call: CallShape): boolean {
  return call.service === "keystore" && call.method.length === 1 && call.method[0] === "get";
}
