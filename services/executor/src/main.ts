import { serviceMain } from "@tasker/platform";
import { executorService } from "./index.js";

await serviceMain([executorService], "executor");
