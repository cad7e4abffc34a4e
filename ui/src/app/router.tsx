import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

/** The page's places, under `/ui` (the gateway answers every `/ui/*` path with the page). */
export type Route = { page: "runs" } | { page: "run"; taskRunId: string } | { page: "tasks"; name?: string; version?: string } | { page: "missing"; path: string };

export const BASE = "/ui";

/** The route of a path such as `/ui/runs/<id>` or `/ui/tasks/<name>/<version>` (names are URL-encoded). */
export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split("/").filter((part) => part !== "").map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "runs")) return { page: "runs" };
  if (parts[0] === "runs" && parts.length === 2) return { page: "run", taskRunId: parts[1]! };
  if (parts[0] === "tasks" && parts.length <= 3) return { page: "tasks", name: parts[1], version: parts[2] };
  return { page: "missing", path: pathname };
}

/** Paths of the page's places. */
export const paths = {
  runs: () => `${BASE}/`,
  run: (taskRunId: string) => `${BASE}/runs/${encodeURIComponent(taskRunId)}`,
  tasks: (name?: string, version?: string) =>
    [`${BASE}/tasks`, ...(name === undefined ? [] : [encodeURIComponent(name)]), ...(version === undefined ? [] : [encodeURIComponent(version)])].join("/"),
};

const NAVIGATED = "tasker:navigated";

/** Goes to `path` without reloading the page. */
export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, "", path);
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo(0, 0);
}

/** The current route, following links and the browser's back and forward buttons. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.pathname));
  useEffect(() => {
    const update = () => setRoute(routeOf(location.pathname));
    window.addEventListener("popstate", update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** A real link (opens in a new tab with a modifier key) that navigates within the page on a plain click. */
export function Link(props: { href: string; class?: string; children: ComponentChildren; "aria-current"?: "page" }) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} class={props.class} aria-current={props["aria-current"]} onClick={onClick}>
      {props.children}
    </a>
  );
}
