"""The HTML crewdeck web serves: the sign-in page, a link's page, the app's page, and the page that opens it again
from this server (for a link followed from another site).

Nothing on them comes from outside the machine: the app's page loads
textual.js, xterm's stylesheet and the Roboto Mono font from this server
(``/static``, for a signed-in browser only), and the sign-in pages use
the browser's own monospace font.  Every value put into a page is escaped.
"""

from __future__ import annotations

from html import escape

_STYLE = """
body { background: #0c181f; color: #e6e6e6; font-family: monospace; margin: 0; }
main { max-width: 32rem; margin: 12vh auto; padding: 2rem; background: #12232d; }
h1 { font-size: 1.3rem; margin-top: 0; }
label, input, button { display: block; width: 100%; box-sizing: border-box; font: inherit; }
input { margin: .4rem 0 1rem; padding: .5rem; background: #0c181f; color: inherit; border: 1px solid #5e7a8a; }
button { padding: .6rem; background: #5e0ba7; color: #fff; border: none; cursor: pointer; }
.error { color: #ff9a9a; }
"""


#: A phone lays the pages out at its own width: without it, at a desktop's (980 pixels), shrunk to fit, the app's text
#: was a few pixels high.
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{VIEWPORT}<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _error(message: str | None) -> str:
    return f'<p class="error" id="error">{escape(message)}</p>' if message else ""


def sign_in_page(workspace: str, message: str | None = None) -> str:
    return _page(
        f"Sign in · {workspace}",
        f"<h1>crewdeck · {escape(workspace)}</h1>{_error(message)}"
        '<form method="post" action="/signin">'
        '<label for="token">Your token (crewdeck token create)</label>'
        '<input id="token" name="token" type="password" autocomplete="off" autofocus>'
        '<button type="submit">Sign in</button></form>'
        "<p>Or open the sign-in link a manager gave you.</p>",
    )


def guest_sign_in_page(workspace: str, message: str) -> str:
    """The sign-in page of a guest whose session ended (signed out too): why, and the way on, a link, where the sign-in
    page asked for a token, which a guest never has."""
    return _page(
        f"Sign in · {workspace}",
        f"<h1>crewdeck · {escape(workspace)}</h1>{_error(message)}"
        '<p id="guest-sign-in">As a guest you sign in with a sign-in link: a manager of this workspace makes you one, '
        "and you open it here.</p>",
    )


def reopen_page(workspace: str) -> str:
    """A link that opens ``/`` again from this server's own page: the session's cookie (SameSite=Strict) did not come
    with a link followed from another site, and comes with one followed from here.  Clicked, never followed by itself:
    a page that opened itself again let any site send a signed-in tab into its app, the keys on it (one ``a``
    approved a post)."""
    return _page(
        f"crewdeck · {workspace}",
        f'<h1>crewdeck · {escape(workspace)}</h1><p><a href="/" id="open">Open crewdeck</a></p>',
    )


def link_page(workspace: str, secret: str, handle: str, needs_pin: bool, message: str | None = None) -> str:
    # Opening the link only shows this page: the link is used by the button, so a
    # chat app that fetches a link to preview it does not use it up.
    pin = (
        '<label for="pin">PIN (sent to you apart from the link)</label><input id="pin" name="pin" inputmode="numeric" autocomplete="off" autofocus>'
        if needs_pin
        else ""
    )
    return _page(
        f"Sign in · {workspace}",
        f"<h1>crewdeck · {escape(workspace)}</h1>{_error(message)}"
        f'<form method="post" action="/link/{escape(secret)}">'
        f"<p>This link signs you in once as @{escape(handle)}.</p>{pin}"
        '<button type="submit" id="use-link">Sign in</button></form>',
    )


def message_page(workspace: str, message: str) -> str:
    return _page(f"crewdeck · {workspace}", f'<h1>crewdeck · {escape(workspace)}</h1>{_error(message)}<p><a href="/">Sign in</a></p>')


def busy_page(workspace: str, message: str, close_apps: bool) -> str:
    """No app for now (too many open): why, and the ways on from here (open again once one is closed, or sign out);
    with ``close_apps``, also closing the member's others, for tabs left open on another computer."""
    close = (
        '<form method="post" action="/apps/close"><p>Left them open on another computer? Closing them loses what is typed '
        'in them and not saved.</p><button type="submit" id="close-apps">Close my other apps and open one here</button></form><p></p>'
        if close_apps
        else ""
    )
    return _page(
        f"crewdeck · {workspace}",
        f"<h1>crewdeck · {escape(workspace)}</h1>{_error(message)}"
        f'<p><a href="/" id="open-again">Open again</a></p>{close}'
        '<form method="post" action="/signout"><button type="submit" id="sign-out">Sign out</button></form>',
    )


#: What the app's page runs after textual.js, a file of its own (``/static/crewdeck/page.js``: the pages allow no
#: inline script).  textual.js makes the terminal in ``window.onload``; this makes it once the font is loaded, and then
#: gives it the keyboard.  The terminal measures its cells once, as it is made: measured with the fallback font shown
#: while Roboto Mono loads, its rows were too few pixels high, and after the window was resized the app's rows, drawn
#: in the font, ran past its bottom (the footer with them).  Unfocused, a key pressed before a click went nowhere.
PAGE_SCRIPT = """const makeTerminal = window.onload;
// A websocket crewdeck web closes with why (crewdeck.tui.web.server: refused past the apps' limits, 4429 and 4503; its
// session ended, 4403; its member closed it from another browser, 4409) has the reason said where the page says the app
// ended, instead of that alone.  So has one that was open when the server stopped (1012, uvicorn's as it shuts down) or
// went without a word (1006: the server killed, or the network gone), which no reason of the server's comes with; and
// one that never opened: refused by the server (a session that ended as the page loaded, a Host a proxy did not pass
// on) or by a proxy that does not let websockets through, where the app never started.
const CLOSED_WITHOUT_REASON = {
  1012: "crewdeck web stopped on the server (restarted or shut down): open again once it is back.",
  1006: "The connection to crewdeck web was lost (the server stopped, or the network): open again once it is back.",
};
const NEVER_OPENED =
  "The app could not be opened: its connection was refused (by crewdeck web, or a proxy in front of it). " +
  "Open again; if this stays, tell whoever runs crewdeck web.";
const PageSocket = window.WebSocket;
window.WebSocket = class extends PageSocket {
  constructor(...args) {
    super(...args);
    let opened = false;
    this.addEventListener("open", () => { opened = true; });
    this.addEventListener("close", (event) => {
      const why = event.reason || (opened ? CLOSED_WITHOUT_REASON[event.code] : NEVER_OPENED);
      if (why) {
        document.getElementById("closed-why").textContent = why;
      }
    });
  }
};
// A page served over plain http to another machine (no TLS in front yet) is no secure context, and has no clipboard API:
// the app's copy (y: OSC 52, which textual.js hands to navigator.clipboard) threw, and nothing was copied while the app
// said it was.  Then the browser's older way copies it, within the moment after the key that asked for it, and the
// terminal has the keyboard again.
if (!navigator.clipboard) {
  const copyText = (text) => {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    const focused = document.activeElement;
    document.body.appendChild(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    area.remove();
    if (focused && focused.focus) focused.focus();
    return copied ? Promise.resolve() : Promise.reject(new Error("the browser did not let the page copy"));
  };
  Object.defineProperty(navigator, "clipboard", { value: { writeText: copyText, readText: () => Promise.resolve("") } });
}
window.onload = (event) => {
  document.fonts.load('16px "Roboto Mono"').catch(() => []).then(() => {
    if (makeTerminal) makeTerminal.call(window, event);
    const input = document.querySelector(".xterm-helper-textarea");
    if (input) input.focus();
  });
};
"""


def app_page(workspace: str, handle: str, websocket_url: str, font_size: int = 16) -> str:
    """The terminal: textual.js opens ``websocket_url`` and draws the app it carries."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{VIEWPORT}<link rel="icon" href="data:,">
<title>crewdeck · {escape(workspace)} · @{escape(handle)}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<style>
@font-face {{ font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); font-weight: 100 700; }}
@font-face {{ font-family: "Roboto Mono"; font-style: italic; src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); font-weight: 100 700; }}
html, body {{ margin: 0; height: 100%; background: #0c181f; }}
.textual-terminal {{ width: 100vw; height: 100vh; }}
.closed {{ display: none; position: absolute; inset: 0; align-items: center; justify-content: center; color: #e6e6e6;
  font-family: "Roboto Mono", monospace; background: #0c181f; z-index: 10; flex-wrap: wrap; align-content: center;
  gap: .5em 0; padding: 1em; text-align: center; }}
body.-closed .closed {{ display: flex; }}
.closed a, .closed button {{ color: #ac5af4; margin-left: 1em; font: inherit; text-decoration: underline; background: none; border: none;
  padding: 0; cursor: pointer; }}
.closed form {{ display: inline; }}
</style>
<script src="/static/js/textual.js"></script>
<script src="/static/crewdeck/page.js"></script>
</head><body>
<div class="closed" id="closed"><span id="closed-why">The app ended.</span><a href="/">Open again</a><form method="post" action="/signout"><button type="submit" id="sign-out">Sign out</button></form></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{escape(websocket_url)}" data-font-size="{font_size}"></div>
</body></html>
"""
