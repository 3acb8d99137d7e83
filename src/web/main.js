import { html, render } from "htm/preact";
import { App } from "./views/app.js";

const root = document.getElementById("app");
if (root) {
  // The static "Loading" text is a placeholder, not markup to hydrate.
  root.textContent = "";
  render(html`<${App} />`, root);
}
