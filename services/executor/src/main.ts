import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { executorService } from "./index.js";

closeOnSignals(await startServices(loadConfig(), [executorService], "executor"));
