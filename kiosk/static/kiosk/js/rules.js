// The submission rules of inquiries/submission_rules.json (in the bundle, with
// their parameters), applied on the kiosk before anything is sent or queued, so
// that what waits in the outbox is what the server will take. Pure functions;
// tests/submission_vectors.json is run against this and the server alike.

const length = (text) => [...text].length; // code points, as the server counts

function fmt(message, values) {
  return message.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

export function phoneOk(spec, phone) {
  const digits = [...phone].filter((c) => c >= "0" && c <= "9").length;
  return new RegExp(spec.pattern).test(phone) && digits >= spec.min_digits && digits <= spec.max_digits;
}

function failure(rules, rule, value, params, commentOpen) {
  const message = rule.message;
  switch (rule.rule) {
    case "required":
      return value ? null : message;
    case "max_length": {
      const limit = typeof rule.limit === "string" ? params[rule.limit] : rule.limit;
      return length(value) > limit ? fmt(message, { limit, length: length(value) }) : null;
    }
    case "one_of": {
      const choices = params[rule.values];
      return choices.some(([choice]) => choice === value) ? null : fmt(message, { values: choices.map(([, label]) => label).join("、") });
    }
    case "phone":
      return !value || phoneOk(rules.phone, value) ? null : message;
    case "blocked_words": {
      const word = params.blocked_words.find((w) => value.includes(w));
      return word ? fmt(message, { word }) : null;
    }
    case "comment_open":
      return commentOpen && commentOpen(value) ? null : message;
    default:
      throw new Error(`unknown rule ${rule.rule}`);
  }
}

// Field → message for each field breaking a rule of `form` ("inquiry" / "rating").
export function check(rules, form, fields, params, commentOpen = null) {
  const errors = {};
  for (const rule of rules[form]) {
    const when = rule.when || {};
    if (Object.entries(when).some(([k, v]) => (fields[k] || "") !== v)) continue;
    for (const name of Array.isArray(rule.field) ? rule.field : [rule.field]) {
      if (name in errors) continue;
      const failed = failure(rules, rule, String(fields[name] ?? ""), params, commentOpen);
      if (failed) errors[name] = failed;
    }
  }
  return errors;
}
