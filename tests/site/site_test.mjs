// The site that `clearance doc` writes, opened from file:// in headless Chromium (Debian's
// package, driven by playwright-core): every page loads with no console error and no failed
// request, every internal link and anchor resolves, every rule of the library's traceability
// matrix is on its rule-set page in both languages, the search box finds a rule and its link
// opens it, the language switch leads to the French page, the print style hides the
// navigation, and `chromium --headless --print-to-pdf` writes a PDF.
//
// Usage: node site_test.mjs SITE_DIR TRACE_JSON OUT_DIR
// Environment: CHROMIUM (default /usr/bin/chromium).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [siteArgument, traceArgument, outArgument] = process.argv.slice(2);
if (!siteArgument || !traceArgument || !outArgument) {
  console.error("usage: node site_test.mjs SITE_DIR TRACE_JSON OUT_DIR");
  process.exit(2);
}
const site = resolve(siteArgument);
const out = resolve(outArgument);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
// As root, Chromium needs --no-sandbox; the network flags keep it from calling out of this
// closed machine at every start.
const chromiumArguments = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const failures = [];
function fail(message) {
  failures.push(message);
  console.error(`FAIL ${message}`);
}

function htmlFiles(directory) {
  const found = [];
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) {
      found.push(...htmlFiles(path));
    } else if (name.endsWith(".html")) {
      found.push(path);
    }
  }
  return found;
}

const pages = htmlFiles(site);
if (pages.length < 10) {
  fail(`expected the site's pages under ${site}, found ${pages.length}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), "clearance-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: chromiumArguments,
});

// Each page once: its console errors, page errors and failed requests, its ids and its links.
const idsByPage = new Map();
const linksByPage = new Map();
for (const path of pages) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  const response = await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
  if (!response || !response.ok()) {
    problems.push("did not load");
  }
  const facts = await page.evaluate(() => ({
    ids: Array.from(document.querySelectorAll("[id]"), (element) => element.id),
    links: Array.from(document.querySelectorAll("a[href]"), (anchor) => anchor.href),
    searchIndexLength: (window.clearanceSearchIndex || []).length,
    hasSearchBox: document.getElementById("search") !== null,
  }));
  if (facts.hasSearchBox && facts.searchIndexLength === 0) {
    problems.push("the search box has no index (search-index.js did not load)");
  }
  for (const problem of problems) {
    fail(`${relative(site, path)}: ${problem}`);
  }
  idsByPage.set(path, new Set(facts.ids));
  linksByPage.set(path, facts.links);
  await page.close();
}

// Internal links: the file exists and, with a fragment, the target page has that id.
let internalLinks = 0;
for (const [path, links] of linksByPage) {
  for (const link of links) {
    if (!link.startsWith("file:")) {
      continue;
    }
    internalLinks += 1;
    const url = new URL(link);
    const target = fileURLToPath(url);
    if (!existsSync(target)) {
      fail(`${relative(site, path)}: broken link to ${relative(site, target)}`);
      continue;
    }
    const fragment = decodeURIComponent(url.hash.slice(1));
    if (fragment && !(idsByPage.get(target) || new Set()).has(fragment)) {
      fail(`${relative(site, path)}: link to ${relative(site, target)}#${fragment}, which has no such id`);
    }
  }
}

// Every rule that the traceability matrix knows is on its rule-set page, in both languages.
const trace = JSON.parse(readFileSync(traceArgument, "utf8"));
const rules = new Set();
for (const requirement of trace.requirements) {
  for (const rule of requirement.rules || []) {
    rules.add(`${rule.ruleset}-${rule.version}\u0000${rule.rule}`);
  }
}
if (rules.size === 0) {
  fail("the traceability matrix lists no rule");
}
for (const key of rules) {
  const [ruleSet, rule] = key.split("\u0000");
  for (const language of ["en", "fr"]) {
    const page = join(site, language, "rulesets", `${ruleSet}.html`);
    if (!(idsByPage.get(page) || new Set()).has(`rule-${rule}`)) {
      fail(`rule ${rule} of ${ruleSet} is not on ${relative(site, page)}`);
    }
  }
}

// The search box: typing a rule's name lists it, and its link opens the rule.
{
  const page = await context.newPage();
  await page.goto(pathToFileURL(join(site, "en", "index.html")).href);
  await page.fill("#search", "CAS-MASS-ITEM");
  const result = page.locator("#search-results li a", { hasText: "CAS-MASS-ITEM" }).first();
  if ((await result.count()) === 0) {
    fail("searching `CAS-MASS-ITEM` lists no result");
  } else {
    await result.click();
    await page.waitForLoadState("load");
    const url = new URL(page.url());
    if (url.hash !== "#rule-CAS-MASS-ITEM" || !(await page.locator("#rule-CAS-MASS-ITEM").isVisible())) {
      fail(`the search result opened ${page.url()}, not the rule CAS-MASS-ITEM`);
    }
    await page.locator("#rule-CAS-MASS-ITEM").screenshot({ path: join(out, "rule-CAS-MASS-ITEM.png") });
  }
  // An accented word folded: `masse` and `déclaration` find French text without accents typed.
  await page.goto(pathToFileURL(join(site, "fr", "index.html")).href);
  await page.fill("#search", "declaration masse");
  if ((await page.locator("#search-results li").count()) === 0) {
    fail("searching `declaration masse` on the French site lists no result");
  }
  // The language switch leads to the same page in French.
  await page.goto(pathToFileURL(join(site, "en", "requirements.html")).href);
  await page.click("a.lang-switch");
  await page.waitForLoadState("load");
  const language = await page.evaluate(() => document.documentElement.lang);
  if (language !== "fr" || !page.url().endsWith("/fr/requirements.html")) {
    fail(`the language switch opened ${page.url()} (lang ${language}), not fr/requirements.html`);
  }
  // Printed, the navigation and the search box are hidden.
  await page.emulateMedia({ media: "print" });
  if (await page.locator("header.site").isVisible()) {
    fail("the print style leaves the site header visible");
  }
  await page.close();
}
await context.close();
rmSync(userDataDir, { recursive: true, force: true });

// The PDF an auditor files, by Chromium's own command line.
{
  const pdf = join(out, "cas.declaration.pdf");
  rmSync(pdf, { force: true });
  const printDataDir = mkdtempSync(join(tmpdir(), "clearance-chromium-print-"));
  execFileSync(
    executablePath,
    [
      "--headless",
      ...chromiumArguments,
      `--user-data-dir=${printDataDir}`,
      "--no-pdf-header-footer",
      `--print-to-pdf=${pdf}`,
      pathToFileURL(join(site, "en", "rulesets", "cas.declaration-2026.1.html")).href,
    ],
    { stdio: ["ignore", "ignore", "pipe"], timeout: 120000 },
  );
  rmSync(printDataDir, { recursive: true, force: true });
  if (!existsSync(pdf)) {
    fail("chromium --print-to-pdf wrote no PDF");
  } else {
    const bytes = readFileSync(pdf);
    const pageCount = (bytes.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-" || pageCount < 2) {
      fail(`the PDF is not a PDF of the rule set (${bytes.length} bytes, ${pageCount} pages)`);
    } else {
      console.log(`printed ${relative(process.cwd(), pdf)}: ${pageCount} pages, ${bytes.length} bytes`);
    }
  }
}

console.log(
  `${pages.length} pages, ${internalLinks} internal links, ${rules.size} rules in en and fr: ` +
    (failures.length === 0 ? "all good" : `${failures.length} failures`),
);
process.exit(failures.length === 0 ? 0 : 1);
