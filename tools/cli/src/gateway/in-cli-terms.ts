/**
 * The gateway's HTTP routes and the `tasker` command that makes each request, most specific first.
 * A route's path parameters (a name, an id) are kept: `PUT /keys/openai` is `tasker keys set openai`.
 */
const COMMANDS: readonly (readonly [RegExp, string])[] = [
  [/\bPOST \/tasks\/([^\s/]+)\/signals\/([^\s/,;)]+)/g, "tasker signal $1 $2"],
  [/\bPOST \/tasks\/([^\s/,;)]+)\/cancel\b/g, "tasker cancel $1"],
  [/\bGET \/tasks\/([^\s/,;)]+)\/result\b/g, "tasker run --poll"],
  [/\bGET \/tasks\/([^\s/,;)]+)/g, "tasker status $1"],
  [/\bPOST \/tasks\b/g, "tasker run"],
  [/\bPOST \/task-functions\b/g, "tasker publish"],
  [/\bGET \/task-functions\b/g, "tasker list"],
  [/\bPUT \/keys\/([^\s/,;)]+)/g, "tasker keys set $1"],
  [/\bDELETE \/keys\/([^\s/,;)]+)/g, "tasker keys delete $1"],
  [/\bGET \/keys\b/g, "tasker keys list"],
  [/\bPOST \/auth\/keys\b/g, "tasker auth create-key"],
  [/\bDELETE \/auth\/keys\/([^\s/,;)]+)/g, "tasker auth revoke $1"],
  [/\bGET \/auth\/keys\b/g, "tasker auth list-keys"],
];

/**
 * A gateway error message as the CLI's user should read it: every HTTP route it names (`publish it with
 * POST /task-functions first`) becomes the `tasker` command doing the same (`publish it with tasker
 * publish first`). The rest of the message is unchanged.
 */
export function inCliTerms(message: string): string {
  return COMMANDS.reduce((text, [route, command]) => text.replace(route, command), message);
}
