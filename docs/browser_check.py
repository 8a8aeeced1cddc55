#!/usr/bin/env python3
"""Open every page of the rendered book in headless Chromium, as a reader would, and fail on
anything a reader would trip over:

* a JavaScript error or a console error (a theme script that does not load, a missing file);
* a request that leaves the machine (only file:, data:, blob:, about: and localhost are allowed;
  every other request is also blocked, so a page cannot quietly depend on the network);
* horizontal overflow inside the article: an element wider than the article, or a box whose
  content needs a horizontal scrollbar (a code block, a displayed equation, a table);
* in a translated edition (``<html lang="zh-...">``), a character no installed font has, which
  the reader would see as an empty box: each distinct CJK character of the page is drawn in
  the page's font and compared with a character no font has (U+E000);
* a theme control that does not work (checked at the first width): the theme script must
  run, the toggle must cycle auto, light and dark, and back-to-top must appear when the
  reader scrolls back up.

Each page is loaded at a desktop width (1280 px) and a phone width (390 px), after MathJax has
typeset it. The script talks to Chromium through the DevTools protocol over a pipe
(--remote-debugging-pipe: NUL-terminated JSON on file descriptors 3 and 4), so it needs
nothing but Python's standard library and Debian's chromium.

    python3 docs/browser_check.py build/docs/html            # every page, both widths
    python3 docs/browser_check.py build/docs/html --pages chapters/05_cnn.html --widths 390

New pages are picked up by themselves: the script checks every .html file it finds.
Exit status 0 when every page is clean, 1 otherwise (each problem is printed).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "devtools:")
LOCAL_HOSTS = ("http://127.0.0.1", "http://localhost", "http://[::1]")

# Runs in the page once it has loaded and MathJax has finished: a list of what sticks out.
OVERFLOW_PROBE = r"""
(() => {
  const article = document.querySelector('article') || document.querySelector('main') || document.body;
  const box = article.getBoundingClientRect();
  const problems = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + Array.from(el.classList).slice(0, 3).join('.');
    const section = el.closest('section[id]');
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return s + (section ? ' in #' + section.id : '') + (text ? ' "' + text + '"' : '');
  };
  // Not seen by a reader: display none, visibility hidden, or clipped away (screen-reader
  // copies such as MathJax's assistive MathML).
  const unseen = (el) => {
    for (let p = el; p && p !== article.parentElement; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.display === 'none' || cs.visibility === 'hidden') return true;
      if (cs.position === 'absolute' && cs.clip !== 'auto') return true;
      if (cs.clipPath && cs.clipPath !== 'none') return true;
    }
    return false;
  };
  const reported = [];
  const inside = (el) => reported.some((p) => p.contains(el));
  // 1. Boxes whose content needs a sideways scrollbar, or is clipped at the side.
  for (const el of article.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'inline' || !['auto', 'scroll', 'hidden', 'clip'].includes(cs.overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
    if (unseen(el) || inside(el)) continue;
    problems.push('scrolls sideways or is cut off (' + el.scrollWidth + ' px in ' + el.clientWidth + ' px): ' + name(el));
    reported.push(el);
  }
  // 2. What a reader sees, text and pictures, outside the article's column.
  const outside = (r) => r.width > 0 && r.height > 0 && (r.right > box.right + 2 || r.left < box.left - 2);
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (inside(el)) continue;
    range.selectNodeContents(node);
    if (!Array.from(range.getClientRects()).some(outside)) continue;
    // Spaces that hang past the end of a wrapped line are not content: look at the words.
    let r = null;
    for (const word of node.textContent.matchAll(/\S+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (Array.from(range.getClientRects()).some(outside)) { r = range.getBoundingClientRect(); break; }
    }
    if (!r || unseen(el)) continue;
    problems.push('sticks out of the article (' + Math.round(r.left) + '..' + Math.round(r.right)
                  + ' px, article ' + Math.round(box.left) + '..' + Math.round(box.right) + '): ' + name(el));
    reported.push(el);
  }
  for (const el of article.querySelectorAll('img, svg, canvas, video, iframe, table')) {
    if (inside(el) || !outside(el.getBoundingClientRect()) || unseen(el)) continue;
    problems.push('sticks out of the article: ' + name(el));
    reported.push(el);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1)
    problems.push('the page scrolls sideways (' + doc.scrollWidth + ' px in a ' + window.innerWidth + ' px window)');
  return problems;
})()
"""

# The theme's controls, exercised: its script ran (it removes the "no-js" class), the theme
# toggle cycles the colour scheme, and the back-to-top button appears when scrolling back up.
THEME_PROBE = r"""
(async () => {
  const problems = [];
  // Scrolls, then resolves after the scroll event and the frames after it, when furo's
  // handler (registered before this one, run on the next animation frame) has seen it.
  const scrollTo = (y) => new Promise((resolve) => {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      window.removeEventListener('scroll', done);
      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50)));
    };
    window.addEventListener('scroll', done);
    window.scrollTo(0, y);
    setTimeout(done, 1500);  // no event if the page could not scroll there
  });
  const shown = () => document.documentElement.classList.contains('show-back-to-top');
  if (document.documentElement.classList.contains('no-js'))
    problems.push('the theme script did not run (the page still has the no-js class)');
  const toggle = document.querySelector('.theme-toggle');
  if (!toggle) return problems.concat(['no theme toggle on the page']);
  const seen = new Set([document.body.dataset.theme]);
  for (let i = 0; i < 3; i++) { toggle.click(); seen.add(document.body.dataset.theme); }
  if (!['auto', 'light', 'dark'].every((m) => seen.has(m)))
    problems.push('the theme toggle does not cycle auto, light and dark (saw ' + Array.from(seen).join(', ') + ')');
  localStorage.removeItem('theme');
  document.body.dataset.theme = 'auto';
  if (document.documentElement.scrollHeight > window.innerHeight * 2) {
    let appeared = false;
    for (let attempt = 0; attempt < 3 && !appeared; attempt++) {
      await scrollTo(1200);
      await scrollTo(600);
      for (let wait = 0; wait < 20 && !appeared; wait++) {
        appeared = shown();
        if (!appeared) await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (!appeared) problems.push('the back-to-top button does not appear when scrolling up');
    await scrollTo(0);
  }
  return problems;
})()
"""

# In a Chinese page: the CJK characters that render as a box (the font's "no glyph" shape).
# Each is drawn on a canvas in the article's font and compared with U+E000, a private-use
# code point that no font draws.
GLYPH_PROBE = r"""
(() => {
  if (!document.documentElement.lang.startsWith('zh')) return [];
  const article = document.querySelector('article') || document.body;
  // The whole page: the article, and the navigation around it.
  const chars = [...new Set(document.body.innerText.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/g) || [])];
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 40;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const font = '28px ' + getComputedStyle(article).fontFamily;
  const draw = (ch) => {
    ctx.clearRect(0, 0, 40, 40);
    ctx.font = font;
    ctx.fillText(ch, 4, 32);
    return ctx.getImageData(0, 0, 40, 40).data.join(',');
  };
  const box = draw('\uE000');
  const boxes = chars.filter((ch) => draw(ch) === box);
  return boxes.length ? ['renders as a box (no installed font has it; sudo apt install fonts-noto-cjk): '
                         + boxes.slice(0, 30).join(' ')] : [];
})()
"""

# Resolves once MathJax (if the page has it) has typeset everything, then after one frame.
WAIT_FOR_TYPESETTING = r"""
new Promise((resolve) => {
  const frame = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
  if (window.MathJax && window.MathJax.Hub) window.MathJax.Hub.Queue(frame);
  else frame();
})
"""


class Chromium:
    """A headless Chromium driven through the DevTools protocol on a pipe."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="nn-browser-check-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def plumbing():  # in the child: fd 3 reads commands, fd 4 writes replies
            commands, replies = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--disable-extensions", "--no-first-run",
             "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB
             "--no-default-browser-check", "--hide-scrollbars", "--mute-audio",
             "--allow-file-access-from-files", f"--user-data-dir={self.profile}", "about:blank"],
            preexec_fn=plumbing, pass_fds=(3, 4),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.receive(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait_for(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self.events[i]
                    return event
            self.events.append(self.receive(deadline))

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.to_browser)
        os.close(self.from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


def is_local(url):
    return url.startswith(LOCAL_SCHEMES) or url.startswith(LOCAL_HOSTS)


def check_page(browser, url, width, theme=True):
    """The problems a reader meets on ``url`` in a window ``width`` pixels wide (``theme``:
    also work the theme's controls)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.events.clear()
    problems = []
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]}
                     if not url.startswith("http") else {"urls": ["https://*", "ws://*", "wss://*", "ftp://*"]},
                     session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
                     session=session)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", session)
        browser.send("Runtime.evaluate", {"expression": WAIT_FOR_TYPESETTING, "awaitPromise": True},
                     session=session)
        result = browser.send("Runtime.evaluate", {"expression": OVERFLOW_PROBE, "returnByValue": True},
                              session=session)
        problems += result["result"].get("value", [])
        result = browser.send("Runtime.evaluate", {"expression": GLYPH_PROBE, "returnByValue": True},
                              session=session)
        problems += result["result"].get("value", [])
        if theme:
            result = browser.send("Runtime.evaluate", {"expression": THEME_PROBE, "awaitPromise": True,
                                                       "returnByValue": True}, session=session)
            problems += result["result"].get("value", [])
        for event in browser.events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text")
                problems.append(f"JavaScript error: {text} ({details.get('url', '')}:{details.get('lineNumber')})")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                problems.append(f"console error: {text}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                problems.append(f"console error: {entry.get('text')} {entry.get('url', '')}")
            elif method == "Network.requestWillBeSent":
                request_url = params["request"]["url"]
                if not is_local(request_url):
                    problems.append(f"request leaves the machine: {request_url}")
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
        browser.events.clear()
    return problems


def run_in_parallel(args, pages):
    """Runs this script once per job, each with its own Chromium and every jobs-th page
    (most of a page's time is spent waiting for layout and typesetting, so two browsers on two
    cores take little more than half the time of one); prints their reports in turn."""
    started = time.monotonic()
    shares = [pages[j::args.jobs] for j in range(args.jobs) if pages[j::args.jobs]]
    base = [sys.executable, __file__, str(args.html), "--widths", args.widths, "--chromium", args.chromium,
            "--jobs", "1"] + (["--base-url", args.base_url] if args.base_url else [])
    workers = [subprocess.Popen(base + ["--pages"] + share, stdout=subprocess.PIPE, text=True)
               for share in shares]
    clean = total = failed = 0
    for worker in workers:
        output, _ = worker.communicate()
        for line in output.splitlines():
            if m := re.match(r"browser check: (\d+) of (\d+) page loads clean", line):
                clean, total = clean + int(m.group(1)), total + int(m.group(2))
            else:
                print(line)
        failed += worker.returncode != 0
    widths = args.widths.split(",")
    print(f"browser check: {clean} of {total} page loads clean ({len(pages)} pages at "
          f"{', '.join(f'{w} px' for w in widths)}; {len(shares)} browsers side by side; "
          f"{time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the rendered book (the directory holding index.html)")
    parser.add_argument("--widths", default="1280,390", help="window widths in px (default 1280,390)")
    parser.add_argument("--pages", nargs="*", help="pages to check, relative to html (default: all)")
    parser.add_argument("--base-url", help="check the pages at this URL (e.g. http://127.0.0.1:8000/) "
                                           "instead of from disk")
    # Debian's /usr/bin/chromium is a shell launcher; the binary itself keeps fds 3 and 4 open.
    parser.add_argument("--chromium", default=next(
        (c for c in ("/usr/lib/chromium/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
         if c and os.access(c, os.X_OK)), "chromium"))
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4),
                        help="browsers run side by side, each on its share of the pages "
                             "(default: the number of cores, at most 4)")
    args = parser.parse_args()

    root = args.html.resolve()
    pages = args.pages or sorted(str(p.relative_to(root)) for p in root.rglob("*.html")
                                 if not p.relative_to(root).parts[0].startswith("_"))
    if args.jobs > 1 and len(pages) > 1:
        return run_in_parallel(args, pages)
    widths = [int(w) for w in args.widths.split(",")]
    browser = Chromium(args.chromium)
    failed = 0
    started = time.monotonic()
    try:
        browser.send("Browser.getVersion")
        for page in pages:
            url = (args.base_url.rstrip("/") + "/" + page) if args.base_url else (root / page).as_uri()
            for width in widths:
                # The theme's controls behave alike at every width: work them at the first.
                problems = check_page(browser, url, width, theme=width == widths[0])
                if problems:
                    failed += 1
                    print(f"FAIL {page} at {width} px:")
                    for problem in dict.fromkeys(problems):
                        print(f"     {problem}")
    finally:
        browser.close()
    checks = len(pages) * len(widths)
    print(f"browser check: {checks - failed} of {checks} page loads clean "
          f"({len(pages)} pages at {', '.join(f'{w} px' for w in widths)}; "
          f"{time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
