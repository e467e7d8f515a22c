"""A self-contained HTML remediation report: one file to attach to a ticket, open offline or print.

Inline CSS, JS and SVG only; a Content-Security-Policy forbids fetching anything, so the file works air-gapped and
cannot leak to the network. Summary numbers carry stable ids (`count-fail` ...), a bar chart shows fail, unknown
and pass per control family. Findings that need attention (everything but passes) are listed twice: by control,
where each rule has one card with its remediation, the before/after from its docs and the fix snippet for each
input format its findings came from (one card per rule rather than per finding keeps a 40,000-finding report
loadable), and by resource, where each row links to its rule's fix. Select filters (severity, zone, control,
status) hide rows and update the visible count; printing hides the filters and expands every section. Every
user-derived string is HTML-escaped, and no user data reaches the script. The output is deterministic.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence

from guardrails import __version__
from guardrails.catalog import families, family
from guardrails.docs import FIX_TITLES
from guardrails.model import Finding, Severity, Status
from guardrails.reporters.common import FIX_FORMAT, by_urgency, control_order, control_titles, docs_url, relative_path
from guardrails.rules import Rule
from guardrails.scan import Report

_SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
_CHART_STATUSES = (Status.FAIL, Status.UNKNOWN, Status.PASS)
_ROW_STATUSES = ("fail", "unknown", "error", "suppressed")
NO_ZONE = "(none)"
"""The zone filter's value for findings without a zone (an empty value means "all")."""
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def render(report: Report, rules: Sequence[Rule], *, root: str = ".") -> str:
    listed = by_urgency(f for f in report.findings if f.status is not Status.PASS)
    by_id = {r.id: r for r in rules}
    body = [
        _summary(report),
        _findings(listed, by_id, root),
        _input_errors(report, root),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        "<title>guardrails remediation report</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>guardrails remediation report</h1><p>guardrails {_e(__version__)}</p></header>\n<main>\n"
        + "\n".join(part for part in body if part)
        + f"\n</main>\n<script>{_JS}</script>\n</body>\n</html>\n"
    )


def _summary(report: Report) -> str:
    summary = report.summary()
    statuses = summary["by_status"]
    numbers = [
        ("fail", "Failed", statuses["fail"]),
        ("unknown", "Unknown", statuses["unknown"]),
        ("error", "Errors", statuses["error"]),
        ("pass", "Passed", statuses["pass"]),
        ("suppressed", "Suppressed (of the above)", sum(1 for f in report.findings if f.suppression is not None)),
        ("input-errors", "Inputs not assessed", summary["errors"]),
        ("files", "Files", summary["files"]),
        ("resources", "Resources", summary["resources"]),
        ("rules", "Rules", summary["rules"]),
    ]
    cards = "".join(
        f'<div class="number {key}"><dt>{label}</dt><dd id="count-{key}">{value}</dd></div>'
        for key, label, value in numbers
    )
    return (
        f'<section id="summary"><h2>Summary</h2><dl class="numbers">{cards}</dl>\n'
        f"{_chart(report.findings)}\n{_family_table(report.findings)}</section>"
    )


def _per_family(findings: Sequence[Finding]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {code: Counter() for code in families()}
    for finding in findings:
        counts.setdefault(family(finding.control), Counter())[finding.status.value] += 1
    return counts


def _chart(findings: Sequence[Finding]) -> str:
    """Horizontal stacked bars, one per family, scaled to the largest family."""
    counts = _per_family(findings)
    names = families()
    width, label_width, bar_height, gap = 640, 70, 22, 10
    scale = max([sum(c[s.value] for s in _CHART_STATUSES) for c in counts.values()] + [1])
    rows = []
    for i, (code, count) in enumerate(counts.items()):
        y = 30 + i * (bar_height + gap)
        x = float(label_width)
        parts = [f'<text x="0" y="{y + 16}" class="label">{_e(code)}</text>']
        for status in _CHART_STATUSES:
            n = count[status.value]
            w = (width - label_width - 140) * n / scale
            if n:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" class="bar-{status.value}">'
                    f"<title>{_e(code)} {_e(names.get(code, ''))}: {n} {status.value}</title></rect>"
                )
            x += w
        total = " / ".join(str(count[s.value]) for s in _CHART_STATUSES)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" class="value">{total}</text>')
        rows.append("".join(parts))
    height = 30 + len(counts) * (bar_height + gap)
    legend = "".join(
        f'<rect x="{label_width + i * 110}" y="4" width="12" height="12" class="bar-{s.value}"/>'
        f'<text x="{label_width + 18 + i * 110}" y="15" class="legend">{s.value}</text>'
        for i, s in enumerate(_CHART_STATUSES)
    )
    return (
        f'<figure id="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-title">'
        f'<title id="chart-title">Findings per control family: fail, unknown, pass</title>{legend}{"".join(rows)}'
        "</svg><figcaption>Findings per control family (fail / unknown / pass)</figcaption></figure>"
    )


def _family_table(findings: Sequence[Finding]) -> str:
    counts = _per_family(findings)
    names = families()
    failed = Counter(
        (family(f.control), f.severity) for f in findings if f.status is Status.FAIL and f.suppression is None
    )
    head = "".join(f"<th>{s}</th>" for s in ("fail", "unknown", "error", "pass")) + "".join(
        f"<th>open {s.value}</th>" for s in _SEVERITIES
    )
    rows = []
    for code, count in counts.items():
        cells = "".join(f"<td>{count[s]}</td>" for s in ("fail", "unknown", "error", "pass"))
        cells += "".join(f"<td>{failed[(code, s)]}</td>" for s in _SEVERITIES)
        rows.append(f'<tr id="family-{_e(code)}"><th>{_e(code)} {_e(names.get(code, ""))}</th>{cells}</tr>')
    return (
        f'<table class="families"><thead><tr><th>Family</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _findings(listed: list[Finding], rules: dict[str, Rule], root: str) -> str:
    if not listed:
        return '<section id="findings"><h2>Findings</h2><p class="empty">Nothing to fix.</p></section>'
    return (
        f'<section id="findings"><h2>Findings</h2>\n{_filters(listed)}\n'
        f"{_by_control(listed, rules, root)}\n{_by_resource(listed, rules, root)}</section>"
    )


def _filters(listed: list[Finding]) -> str:
    order = control_order()
    zones = sorted({_zone(f) for f in listed})
    controls = sorted({f.control for f in listed}, key=lambda c: (order.get(c, len(order)), c))
    selects = [
        ("severity", "Severity", [(s.value, s.value) for s in _SEVERITIES]),
        ("zone", "Zone", [(z, z) for z in zones]),
        ("control", "Control", [(c, c) for c in controls]),
        ("status", "Status", [(s, s) for s in _ROW_STATUSES]),
    ]
    html_selects = "".join(
        f'<label>{label} <select id="filter-{key}"><option value="">all</option>'
        + "".join(f'<option value="{_e(value)}">{_e(text)}</option>' for value, text in options)
        + "</select></label>"
        for key, label, options in selects
    )
    return (
        f'<div id="filters">{html_selects}'
        f'<p id="shown" role="status"><span id="visible-count">{len(listed)}</span> of '
        f'<span id="total-count">{len(listed)}</span> findings shown</p>'
        '<div class="view-toggle" role="group" aria-label="Group findings">'
        '<button type="button" id="view-control" data-view="control" aria-pressed="true">By control</button>'
        '<button type="button" id="view-resource" data-view="resource" aria-pressed="false">By resource</button>'
        "</div></div>"
    )


def _by_control(listed: list[Finding], rules: dict[str, Rule], root: str) -> str:
    order = control_order()
    titles = control_titles()
    by_rule: dict[str, list[Finding]] = {}
    for finding in listed:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    controls: dict[str, list[str]] = {}
    for rule_id in sorted(by_rule):
        controls.setdefault(by_rule[rule_id][0].control, []).append(rule_id)
    sections = []
    for control in sorted(controls, key=lambda c: (order.get(c, len(order)), c)):
        cards = "".join(_rule_card(by_rule[r], rules.get(r), root) for r in controls[control])
        count = sum(len(by_rule[r]) for r in controls[control])
        sections.append(
            f'<section class="group control" data-group id="control-{_e(control)}">'
            f'<h3>{_e(control)} <span class="title">{_e(titles.get(control, ""))}</span> '
            f'<span class="badge">{count}</span></h3>{cards}</section>'
        )
    return f'<div id="by-control" class="view">{"".join(sections)}</div>'


def _rule_card(findings: list[Finding], rule: Rule | None, root: str) -> str:
    first = findings[0]
    used = {FIX_FORMAT.get(f.source, "api") for f in findings}
    formats = [fmt for fmt in FIX_TITLES if fmt in used]
    rows = "".join(_row(f, root, rule, in_rule=True) for f in findings)
    head = (
        f'<h4><a href="{_e(docs_url(first.rule_id))}">{_e(first.rule_id)}</a> {_e(first.rule_name)} '
        f'<span class="title">{_e(first.title)}</span> {_severity(first.severity)}</h4>'
    )
    return (
        f'<article class="group rule" data-group id="rule-{_e(first.rule_id)}">{head}'
        f"{_remedy(first, rule, formats)}"
        '<table class="findings"><thead><tr><th>Status</th><th>Severity</th><th>Resource</th><th>Location</th>'
        f"<th>Zone</th><th>Message</th></tr></thead><tbody>{rows}</tbody></table></article>"
    )


def _remedy(finding: Finding, rule: Rule | None, formats: list[str]) -> str:
    """Remediation, the docs' before/after and the fix snippet for each input format the findings came from."""
    parts = [f'<p class="remediation">{_code_spans(finding.remediation)}</p>']
    if rule is not None:
        parts.append(
            '<div class="before-after">'
            f'<figure class="before"><figcaption>Before</figcaption><pre><code>{_e(rule.docs.example.strip())}'
            "</code></pre></figure>"
            f'<figure class="after"><figcaption>After</figcaption><pre><code>{_e(rule.docs.instead.strip())}'
            "</code></pre></figure></div>"
        )
        for fmt in formats:
            if fmt in rule.fix:
                parts.append(
                    f'<figure class="fix" id="fix-{_e(rule.id)}-{fmt}"><figcaption>Fix ({FIX_TITLES[fmt]})'
                    f"</figcaption><pre><code>{_e(rule.fix[fmt].strip())}</code></pre></figure>"
                )
    return f'<details class="remedy"><summary>How to fix</summary>{"".join(parts)}</details>'


def _by_resource(listed: list[Finding], rules: dict[str, Rule], root: str) -> str:
    resources: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in listed:
        resources.setdefault((finding.path, finding.resource_kind, finding.resource_id), []).append(finding)
    sections = []
    for (path, kind, rid), findings in sorted(resources.items(), key=lambda i: (i[0][0], i[1][0].line, i[0][1:])):
        rows = "".join(_row(f, root, rules.get(f.rule_id), in_rule=False) for f in by_urgency(findings))
        sections.append(
            f'<section class="group resource" data-group><h3>{_e(rid)} <span class="kind">{_e(kind)}</span> '
            f'<span class="where">{_e(relative_path(path, root))}</span> <span class="badge">{len(findings)}</span>'
            "</h3>"
            '<table class="findings"><thead><tr><th>Status</th><th>Severity</th><th>Rule</th><th>Location</th>'
            f"<th>Zone</th><th>Message</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )
    return f'<div id="by-resource" class="view" hidden>{"".join(sections)}</div>'


def _row(finding: Finding, root: str, rule: Rule | None, *, in_rule: bool) -> str:
    """A finding's row, under its rule's card (`in_rule`) or under its resource (then naming and linking the rule),
    with a link to the fix snippet for the finding's input format."""
    status = "suppressed" if finding.suppression is not None else finding.status.value
    fmt = FIX_FORMAT.get(finding.source, "api")
    if in_rule:
        subject = f'{_e(finding.resource_id)}<br><span class="kind">{_e(finding.resource_kind)}</span>'
    else:
        subject = (
            f'<a href="#rule-{_e(finding.rule_id)}" class="fix">{_e(finding.rule_id)}</a> {_e(finding.rule_name)}'
            f'<br><span class="kind">{_e(finding.control)}</span>'
        )
    message = _e(finding.message)
    if finding.suppression is not None:
        skip = finding.suppression
        until = f", until {_e(skip.expires)}" if skip.expires else ""
        message += f'<br><span class="reason">suppressed ({_e(skip.origin)}{until}): {_e(skip.reason)}</span>'
    if rule is not None and fmt in rule.fix:
        message += f' <a href="#fix-{_e(finding.rule_id)}-{fmt}" class="fix">fix ({FIX_TITLES[fmt]})</a>'
    return (
        f'<tr class="finding" data-severity="{finding.severity.value}" data-zone="{_e(_zone(finding))}" '
        f'data-control="{_e(finding.control)}" data-status="{status}">'
        f'<td><span class="status {status}">{status}</span></td><td>{_severity(finding.severity)}</td>'
        f"<td>{subject}</td><td><code>{_e(relative_path(finding.path, root))}:{finding.line}</code></td>"
        f"<td>{_e(finding.zone or '')}</td><td>{message}</td></tr>"
    )


def _input_errors(report: Report, root: str) -> str:
    if not report.errors:
        return ""
    rows = "".join(
        f"<tr><td><code>{_e(relative_path(e.path, root))}{f':{e.line}' if e.line else ''}</code></td>"
        f"<td>{_e(e.reason)}</td></tr>"
        for e in report.errors
    )
    return (
        '<section id="input-errors"><h2>Inputs not assessed</h2>'
        "<p>These inputs could not be read or parsed; the scan cannot vouch for them.</p>"
        f"<table><thead><tr><th>Input</th><th>Reason</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _zone(finding: Finding) -> str:
    return finding.zone or NO_ZONE


def _severity(severity: Severity) -> str:
    return f'<span class="severity {severity.value}">{severity.value}</span>'


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _code_spans(text: str) -> str:
    """Escaped text with its `code` spans (as rule texts write them) shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


_CSS = """
:root{--fail:#c62828;--unknown:#b26a00;--pass:#2e7d32;--error:#6a1b9a;--suppressed:#546e7a;--line:#d0d7de;
--muted:#57606a;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;line-height:1.45}
body{margin:0}header{padding:1rem 2rem;border-bottom:1px solid var(--line)}header h1{margin:0;font-size:1.5rem}
header p{margin:.25rem 0 0;color:var(--muted)}main{padding:1rem 2rem;max-width:1400px}
[hidden]{display:none!important}
.numbers{display:flex;flex-wrap:wrap;gap:.75rem;margin:0}.number{border:1px solid var(--line);border-radius:6px;
padding:.5rem .9rem;min-width:7rem}.number dt{font-size:.8rem;color:var(--muted)}.number dd{margin:0;font-size:1.6rem;
font-weight:600}.number.fail dd{color:var(--fail)}.number.unknown dd{color:var(--unknown)}
.number.pass dd{color:var(--pass)}.number.error dd,.number.input-errors dd{color:var(--error)}
#chart{margin:1rem 0}#chart svg{max-width:100%;height:auto}#chart .label,#chart .legend,#chart .value{font-size:13px;
fill:#1f2328}.bar-fail{fill:var(--fail)}.bar-unknown{fill:var(--unknown)}.bar-pass{fill:var(--pass)}
figcaption{font-size:.8rem;color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid var(--line);
padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#f6f8fa}
table.families td{text-align:right}
#filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid var(--line);display:flex;
flex-wrap:wrap;gap:1rem;align-items:center;z-index:1}#filters p{margin:0}
.view-toggle button{border:1px solid var(--line);background:#fff;padding:.3rem .7rem;cursor:pointer}
.view-toggle button[aria-pressed=true]{background:#1f2328;color:#fff}
.group h3{margin:1.5rem 0 .5rem}.group,.fix{scroll-margin-top:4rem}
.rule{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
.rule h4{margin:.25rem 0}.title,.kind,.where{color:var(--muted);font-weight:normal}.kind{font-size:.8rem}
.badge{font-size:.8rem;border-radius:1rem;padding:0 .5rem;background:#eaeef2}
.severity,.status{font-size:.75rem;font-weight:600;border-radius:4px;padding:.05rem .4rem;color:#fff;
white-space:nowrap}.severity.critical{background:#7f1d1d}.severity.high{background:#c62828}
.severity.medium{background:#b26a00}.severity.low{background:#546e7a}.status.fail{background:var(--fail)}
.status.unknown{background:var(--unknown)}.status.error{background:var(--error)}
.status.suppressed{background:var(--suppressed)}.reason{color:var(--suppressed);font-style:italic}
details.remedy summary{cursor:pointer;font-weight:600}.before-after{display:flex;gap:1rem;flex-wrap:wrap}
.before-after figure{flex:1;min-width:18rem}figure{margin:.5rem 0}pre{background:#f6f8fa;border:1px solid var(--line);
padding:.5rem;overflow-x:auto;white-space:pre-wrap;margin:.25rem 0}figure.before pre{border-left:4px solid var(--fail)}
figure.after pre,figure.fix pre{border-left:4px solid var(--pass)}
@media print{#filters,.view-toggle{display:none!important}#filters{position:static}
body,header,thead th,pre,.badge{background:none!important}main{max-width:none;padding:0}
details>summary{list-style:none}tr,figure,.rule h4{break-inside:avoid}
.severity,.status{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@media print{details::details-content{content-visibility:visible;display:block}}
"""

_JS = """
(() => {
  const $ = (id) => document.getElementById(id);
  const filters = ['severity', 'zone', 'control', 'status']
    .map((key) => [key, $('filter-' + key)])
    .filter(([, el]) => el);
  const views = {control: $('by-control'), resource: $('by-resource')};
  let current = 'control';
  function apply() {
    for (const row of document.querySelectorAll('tr.finding')) {
      row.hidden = !filters.every(([key, el]) => !el.value || row.dataset[key] === el.value);
    }
    for (const group of document.querySelectorAll('[data-group]')) {
      group.hidden = !group.querySelector('tr.finding:not([hidden])');
    }
    const view = views[current];
    if (view) $('visible-count').textContent = view.querySelectorAll('tr.finding:not([hidden])').length;
  }
  function show(name) {
    current = name;
    for (const [key, el] of Object.entries(views)) if (el) el.hidden = key !== name;
    for (const button of document.querySelectorAll('[data-view]')) {
      button.setAttribute('aria-pressed', String(button.dataset.view === name));
    }
    apply();
  }
  for (const [, el] of filters) el.addEventListener('change', apply);
  for (const button of document.querySelectorAll('[data-view]')) {
    button.addEventListener('click', () => show(button.dataset.view));
  }
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a.fix');
    const target = link && $(link.getAttribute('href').slice(1));
    if (!target) return;
    show('control');
    const details = target.closest('article.rule')?.querySelector('details');
    if (details) details.open = true;
  });
  let closed = [];
  addEventListener('beforeprint', () => {
    closed = [...document.querySelectorAll('details:not([open])')];
    for (const details of closed) details.open = true;
  });
  addEventListener('afterprint', () => { for (const details of closed) details.open = false; });
})();
"""
