// framewatch labeling page: keyboard shortcuts and small conveniences. The page works without it.
(function () {
  "use strict";
  const FRAME_CODES = ["Digit1", "Digit2", "Digit3", "Digit4", "Digit5", "Digit6", "Digit7", "Digit8",
    "Digit9", "Digit0", "KeyQ", "KeyW", "KeyE", "KeyR", "KeyT"];
  const SLANT_CODES = ["KeyA", "KeyS", "KeyD"];
  const TONE_CODES = ["KeyJ", "KeyK", "KeyL"];

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    const form = document.getElementById("label-form");
    if (!form) return;
    const boxes = Array.from(form.querySelectorAll('input[name="frames"]'));
    const primaries = Array.from(form.querySelectorAll('input[name="primary_frame"]'));
    const slants = Array.from(form.querySelectorAll('input[name="slant"]'));
    const tones = Array.from(form.querySelectorAll('input[name="tone"]'));

    function primaryFor(box) { return primaries.find(r => r.value === box.value); }

    function sync() {
      // the primary frame must be a chosen frame; with a single frame it is that one
      const checked = boxes.filter(b => b.checked);
      primaries.forEach(r => {
        const box = boxes.find(b => b.value === r.value);
        r.disabled = !box.checked;
        if (!box.checked) r.checked = false;
        r.closest(".frame").classList.toggle("chosen", box.checked);
      });
      if (checked.length === 1) primaryFor(checked[0]).checked = true;
    }

    function toggleFrame(i, asPrimary) {
      const box = boxes[i];
      if (!box) return;
      if (asPrimary) { box.checked = true; sync(); primaryFor(box).checked = true; return; }
      box.checked = !box.checked;
      sync();
    }

    function acceptSuggestions() {
      boxes.forEach(b => { b.checked = b.dataset.suggested === "1"; });
      sync();
      primaries.forEach(r => { if (r.dataset.suggested === "1" && !r.disabled) r.checked = true; });
      slants.concat(tones).forEach(r => { if (r.dataset.suggested === "1") r.checked = true; });
    }

    // One submit per page: once Save (or undo / skip) is on its way, further presses do nothing until the
    // next article has loaded, so a quick second Enter can neither save this article twice nor act on
    // an article the annotator has already moved past.
    let sending = false;
    const saving = document.getElementById("saving");
    function guard(f) {
      if (!f) return;
      f.addEventListener("submit", function (e) {
        if (sending) { e.preventDefault(); return; }
        sending = true;
        document.body.classList.add("sending");
        if (saving) saving.hidden = false;
      });
    }
    [form, document.getElementById("undo-form"), document.getElementById("skip-form")].forEach(guard);
    window.addEventListener("pageshow", function (e) {
      if (e.persisted) { sending = false; document.body.classList.remove("sending"); if (saving) saving.hidden = true; }
    });

    // The message of a refused save ("Choose a slant.") follows the form: it goes once what it asked for is
    // chosen, and says what is still missing otherwise.
    const error = document.getElementById("error");
    function still() {
      const missing = [];
      if (!boxes.some(b => b.checked)) missing.push("at least one frame");
      if (boxes.filter(b => b.checked).length > 1 && !primaries.some(r => r.checked)) missing.push("the primary frame");
      if (slants.length && !slants.some(r => r.checked)) missing.push("a slant");
      if (tones.length && !tones.some(r => r.checked)) missing.push("a tone");
      return missing;
    }
    function refreshError() {
      if (!error) return;
      const missing = still();
      error.hidden = missing.length === 0;
      if (missing.length) error.textContent = "Choose " + missing.join(" and ") + ".";
    }
    form.addEventListener("change", refreshError);
    document.addEventListener("keyup", refreshError);

    boxes.forEach(b => b.addEventListener("change", sync));
    const accept = document.getElementById("accept");
    if (accept) accept.addEventListener("click", function () { acceptSuggestions(); refreshError(); });
    sync();

    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (sending) { e.preventDefault(); return; }
      const t = e.target;
      if (t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type === "text"))) return;
      let i = FRAME_CODES.indexOf(e.code);
      if (i >= 0) { toggleFrame(i, e.shiftKey); e.preventDefault(); return; }
      i = SLANT_CODES.indexOf(e.code);
      if (i >= 0 && slants[i]) { slants[i].checked = true; e.preventDefault(); return; }
      i = TONE_CODES.indexOf(e.code);
      if (i >= 0 && tones[i]) { tones[i].checked = true; e.preventDefault(); return; }
      if (e.code === "KeyG" && accept) { acceptSuggestions(); e.preventDefault(); return; }
      if (e.key === "Enter" && !(t && t.tagName === "BUTTON")) { form.requestSubmit(); e.preventDefault(); return; }
      if (e.code === "KeyU") { document.getElementById("undo-form").requestSubmit(); e.preventDefault(); return; }
      if (e.code === "KeyN") { document.getElementById("skip-form").requestSubmit(); e.preventDefault(); return; }
      if (e.key === "?") {
        const cb = document.getElementById("codebook");
        cb.open = !cb.open;
        if (cb.open) cb.scrollIntoView({block: "nearest"});
        e.preventDefault();
      }
    });
  });
})();
