import { useEffect, useState } from "preact/hooks";
import { authEvents } from "../api/client";
import { storedKey, storeKey } from "../api/session-key";
import { RunPage } from "../run/run-page";
import { RunsPage } from "../runs/runs-page";
import { TasksPage } from "../tasks/tasks-page";
import { Link, paths, useRoute } from "./router";
import { SignIn } from "./sign-in";

/** The run inspector: the navigation, and the page of the current route; the sign-in form (the refused key forgotten) whenever the gateway answers 401. */
export function App() {
  const route = useRoute();
  const [needsKey, setNeedsKey] = useState(false);
  const [signedIn, setSignedIn] = useState(storedKey() !== null);

  useEffect(() => {
    // A key the gateway refuses (revoked, or from before a restart with other keys) is forgotten, not sent again.
    const ask = () => {
      storeKey(null);
      setSignedIn(false);
      setNeedsKey(true);
    };
    authEvents.addEventListener("unauthorized", ask);
    return () => authEvents.removeEventListener("unauthorized", ask);
  }, []);

  const signOut = () => {
    storeKey(null);
    setSignedIn(false);
    setNeedsKey(true);
  };

  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Tasker</span>
        <nav aria-label="Main">
          <Link href={paths.runs()} aria-current={route.page === "runs" || route.page === "run" ? "page" : undefined}>
            Runs
          </Link>
          <Link href={paths.tasks()} aria-current={route.page === "tasks" ? "page" : undefined}>
            Tasks
          </Link>
        </nav>
        {signedIn && (
          <button type="button" class="quiet" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <div id="content">
        {needsKey ? (
          <SignIn
            onSignedIn={() => {
              setSignedIn(true);
              setNeedsKey(false);
            }}
          />
        ) : route.page === "runs" ? (
          <RunsPage />
        ) : route.page === "run" ? (
          <RunPage key={route.taskRunId} taskRunId={route.taskRunId} />
        ) : route.page === "tasks" ? (
          <TasksPage name={route.name} version={route.version} />
        ) : (
          <main>
            <h1>Not found</h1>
            <p>
              Nothing is at <code>{route.path}</code>. <Link href={paths.runs()}>See the runs</Link>.
            </p>
          </main>
        )}
      </div>
    </>
  );
}
