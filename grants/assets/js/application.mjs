// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// A wide table scrolls inside its .opcc-table-wrapper. While it overflows, keyboard users must be
// able to focus the wrapper to scroll it, and screen readers hear it as a region named after the
// table; when the whole table fits, the wrapper is no tab stop.
function enhanceScrollingTables() {
  const wrappers = document.querySelectorAll(".opcc-table-wrapper");
  if (!wrappers.length) {
    return;
  }
  const update = (wrapper) => {
    if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
      const caption = wrapper.querySelector("caption");
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("aria-label", (caption ? caption.textContent.trim() : "Table"));
      wrapper.setAttribute("tabindex", "0");
    } else {
      wrapper.removeAttribute("role");
      wrapper.removeAttribute("aria-label");
      wrapper.removeAttribute("tabindex");
    }
  };
  wrappers.forEach(update);
  if ("ResizeObserver" in window) {
    const observer = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target)));
    wrappers.forEach((wrapper) => observer.observe(wrapper));
  }
}

enhanceScrollingTables();
