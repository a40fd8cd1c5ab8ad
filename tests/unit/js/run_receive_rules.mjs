// Runs the scanner's copy of the over-receipt rule (scanner_ui/js/screens/receive-rules.js)
// on the shared cases file given as argv[2]; prints what it answers as JSON on stdout.
// Driven by tests/unit/test_tolerance_cases.py.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [, , rulesPath, casesPath] = process.argv;
const { allowedTotal, overReceipt } = await import(pathToFileURL(rulesPath).href);
const cases = JSON.parse(readFileSync(casesPath, "utf8"));
const out = {
  allowed_total: cases.allowed_total.map((c) => allowedTotal(c.ordered, c.tolerance_pct)),
  over_receipt: cases.over_receipt.map((c) =>
    overReceipt({ ordered: c.ordered, received: c.received }, c.requested, c.tolerance_pct),
  ),
};
process.stdout.write(JSON.stringify(out));
