import { serviceMain } from "@tasker/platform";
import { timersService } from "./index.js";

await serviceMain([timersService], "timers");
