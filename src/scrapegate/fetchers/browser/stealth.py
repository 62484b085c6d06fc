"""Init scripts that make headless Chromium look like the desktop Chrome it claims to be."""

from __future__ import annotations

import json

# Wrapped functions report themselves as native code, like the originals.
_NATIVE_TOSTRING = """
const sgNative = new WeakSet();
const sgToString = Function.prototype.toString;
const sgPatchedToString = function toString() {
  if (sgNative.has(this)) return "function " + this.name + "() { [native code] }";
  return sgToString.call(this);
};
sgNative.add(sgPatchedToString);
Function.prototype.toString = sgPatchedToString;
const sgReplace = (target, name, make) => {
  const original = target[name];
  if (typeof original !== "function") return;
  const patched = {[name]: make(original)}[name];
  sgNative.add(patched);
  Object.defineProperty(target, name, {value: patched, configurable: true, writable: true});
};
const sgGetter = (target, name, value) => {
  const getter = {[name]() { return value; }}[name];
  sgNative.add(getter);
  Object.defineProperty(target, name, {get: getter, configurable: true});
};
"""

_WEBDRIVER = "sgGetter(Navigator.prototype, 'webdriver', false);"

_LANGUAGES = "sgGetter(Navigator.prototype, 'languages', Object.freeze(%s));"

_WEBGL = """
for (const proto of [WebGLRenderingContext.prototype,
                     (self.WebGL2RenderingContext || WebGLRenderingContext).prototype]) {
  sgReplace(proto, "getParameter", (original) => function (parameter) {
    if (parameter === 37445) return %s;
    if (parameter === 37446) return %s;
    return original.call(this, parameter);
  });
}
"""

_PERMISSIONS = """
if (self.navigator.permissions && self.Notification) {
  sgReplace(Permissions.prototype, "query", (original) => function (descriptor) {
    if (descriptor && descriptor.name === "notifications") {
      const state = Notification.permission === "default" ? "prompt" : Notification.permission;
      return Promise.resolve({state, name: "notifications", onchange: null});
    }
    return original.call(this, descriptor);
  });
}
"""

_CHROME_OBJECT = """
if (self.window && !window.chrome) {
  Object.defineProperty(window, "chrome", {value: {}, configurable: true, writable: true});
}
if (self.window && !window.chrome.runtime) {
  window.chrome.runtime = {OnInstalledReason: {INSTALL: "install", UPDATE: "update"},
                           PlatformOs: {LINUX: "linux", MAC: "mac", WIN: "win"}};
}
"""

_PLUGINS = """
if (self.navigator && navigator.plugins && navigator.plugins.length === 0) {
  const names = ["PDF Viewer", "Chrome PDF Viewer", "Chromium PDF Viewer",
                 "Microsoft Edge PDF Viewer", "WebKit built-in PDF"];
  const fake = names.map((name) => ({name, filename: "internal-pdf-viewer",
                                     description: "Portable Document Format", length: 1}));
  fake.item = (i) => fake[i] || null;
  fake.namedItem = (n) => fake.find((p) => p.name === n) || null;
  fake.refresh = () => undefined;
  sgGetter(Navigator.prototype, "plugins", fake);
}
"""

WEBGL_VENDOR = "Google Inc. (Intel)"
WEBGL_RENDERER = "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)"


def _wrap(body: str) -> str:
    # One scope per script so helper names never leak into the page.
    return "(() => {\n" + _NATIVE_TOSTRING + body + "\n})();"


def light_stealth_script(languages: list[str]) -> str:
    """Tier 3.5: only the signals that decide most simple bot checks."""
    return _wrap(_WEBDRIVER + _LANGUAGES % json.dumps(languages))


def full_stealth_script(languages: list[str]) -> str:
    """Tier 4: webdriver, languages, plugins, WebGL identity, permissions and window.chrome."""
    webgl = _WEBGL % (json.dumps(WEBGL_VENDOR), json.dumps(WEBGL_RENDERER))
    parts = [_WEBDRIVER, _LANGUAGES % json.dumps(languages), _PLUGINS, webgl, _PERMISSIONS]
    return _wrap("\n".join([*parts, _CHROME_OBJECT]))


def user_agent_metadata(version: str, *, mobile: bool) -> dict[str, object]:
    """Client hints (``Sec-CH-UA*`` and ``navigator.userAgentData``) matching the user agent."""
    major = version.split(".", 1)[0]
    return {
        "brands": [
            {"brand": "Chromium", "version": major},
            {"brand": "Google Chrome", "version": major},
            {"brand": "Not_A Brand", "version": "24"},
        ],
        "fullVersionList": [
            {"brand": "Chromium", "version": version},
            {"brand": "Google Chrome", "version": version},
            {"brand": "Not_A Brand", "version": "24.0.0.0"},
        ],
        "fullVersion": version,
        "platform": "Android" if mobile else "Linux",
        "platformVersion": "10.0.0" if mobile else "6.1.0",
        "architecture": "" if mobile else "x86",
        "bitness": "" if mobile else "64",
        "model": "K" if mobile else "",
        "mobile": mobile,
        "wow64": False,
    }
