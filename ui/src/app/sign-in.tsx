import { useState } from "preact/hooks";
import { api, ApiError } from "../api/client";
import { storeKey } from "../api/session-key";

/**
 * Asks for an API key (`TASKER_AUTH=on`), checks it against the gateway, and keeps it for this tab.
 * The page then shows the key's namespace only: the gateway answers every request in it.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    storeKey(key.trim());
    try {
      await api("/task-functions");
      onSignedIn();
    } catch (error) {
      storeKey(null);
      setProblem(error instanceof ApiError && error.status === 401 ? "That key is not valid (unknown or revoked)." : `The gateway did not answer: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Sign in</h1>
      <p>This Tasker needs an API key. The page shows the runs and tasks of the key's namespace.</p>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autocomplete="off" required value={key} onInput={(event) => setKey(event.currentTarget.value)} />
        <button type="submit" disabled={busy || key.trim() === ""}>
          Sign in
        </button>
        {problem && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
      </form>
      <p class="hint">
        A key comes from <code>tasker auth create-key --namespace NAME --role run</code>. It is kept in this tab only (sessionStorage) and sent as{" "}
        <code>Authorization: Bearer</code>.
      </p>
    </main>
  );
}
