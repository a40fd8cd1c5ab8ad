// The runners' one way to report: run each named rule (a function that throws when the rule
// breaks), print {"passed": [names], "failed": {name: why}} as JSON for the Python test that
// runs the file (tests/scanner_js_helpers.py), and exit 1 if any rule failed.

export function runNamedRules(tests) {
  const passed = [];
  const failed = {};
  for (const [name, fn] of Object.entries(tests)) {
    try {
      fn();
      passed.push(name);
    } catch (err) {
      failed[name] = String(err?.stack || err);
    }
  }
  process.stdout.write(JSON.stringify({ passed, failed }));
  process.exitCode = Object.keys(failed).length ? 1 : 0;
}
