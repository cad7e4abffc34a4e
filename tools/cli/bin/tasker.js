#!/usr/bin/env node
// The `tasker` bin: committed executable, so that `npx tasker` works right after `npm run build`
// (tsc writes dist/main.js without the executable bit).
import "../dist/main.js";
