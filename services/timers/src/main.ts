import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { timersService } from "./index.js";

closeOnSignals(await startServices(loadConfig(), [timersService], "timers"));
