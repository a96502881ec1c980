// <vitrin-assistant> in headless Chromium: shows a prompt in a polite live region,
// dismisses by keyboard (focus goes back) and by click, reports to the engine, and a
// product title full of markup stays text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screenshot, withPage } from "../support/browser.mjs";

const bubble = (page) => page.evaluate(() => {
  const b = assistant.shadowRoot.querySelector(".bubble");
  return { hidden: b.hidden, text: b.textContent, role: b.getAttribute("role"), live: b.getAttribute("aria-live"), tags: [...b.querySelectorAll("*")].map((e) => e.tagName) };
});

test("the assistant shows, dismisses by keyboard and by click, and reports back", async () => {
  await withPage(async ({ page, errors }) => {
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    await page.evaluate(() => { engine.track({ type: "add_to_cart", productId: "p2" }); advance(11 * 60_000); assistant.refresh(); });
    let b = await bubble(page);
    assert.equal(b.hidden, false);
    assert.equal(b.role, "status");
    assert.equal(b.live, "polite");
    assert.match(b.text, /Ayşe, sepetinizde ₺1\.200,00 tutarında ürün var\./);
    assert.match(b.text, /Deri babet/);
    await screenshot(page, "assistant");
    assert.equal((await page.evaluate(() => engine.metrics())).idle.default.impressions, 1);

    // Keyboard: focus moves into the prompt, Escape closes it, focus returns.
    await page.focus("#elsewhere");
    await page.evaluate(() => assistant.focusPrompt());
    await page.keyboard.press("Escape");
    b = await bubble(page);
    assert.equal(b.hidden, true);
    assert.equal(await page.evaluate(() => document.activeElement.id), "elsewhere");
    const why = await page.evaluate(() => engine.explain("idle"));
    assert.ok(why.because.some((x) => x.path === "/campaigns/0/caps/dismissCooldownMinutes"));

    // After the global quiet minute the next due prompt shows; a click on × dismisses it.
    await page.evaluate(() => { advance(2 * 60_000); assistant.refresh(); });
    b = await bubble(page);
    assert.match(b.text, /Gitmeden önce/);
    await page.evaluate(() => assistant.shadowRoot.querySelector(".close").click());
    assert.equal((await bubble(page)).hidden, true);
    assert.deepEqual(errors, []);
  }, { path: "/tests/browser/pages/assistant.html" });
});

test("markup in a product title or a name stays text in the assistant", async () => {
  await withPage(async ({ page, errors }) => {
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    const b = await page.evaluate(() => {
      const evil = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>"'><svg onload=alert(1)>`;
      engine.setCatalog({ products: [{ id: "p1", title: evil, category: "x", price: 1 }] });
      engine.setProfile({ visitorId: "v1", name: evil, updatedAt: 0 });
      engine.track({ type: "add_to_cart", productId: "p1" });
      advance(11 * 60_000);
      assistant.refresh();
      const root = assistant.shadowRoot.querySelector(".bubble");
      return { tags: [...root.querySelectorAll("*")].map((e) => e.tagName), pwned: window.pwned ?? null, text: root.textContent };
    });
    assert.deepEqual(b.tags, ["P", "UL", "LI", "DIV", "SPAN", "SPAN", "A", "SMALL", "BUTTON"]);
    assert.equal(b.pwned, null);
    assert.match(b.text, /<img src=x/);
    assert.deepEqual(errors, []);
  }, { path: "/tests/browser/pages/assistant.html" });
});

test("a CTA the browser would send to another site or run never becomes the link", async () => {
  await withPage(async ({ page, errors }) => {
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    const hrefs = await page.evaluate(() => {
      const urls = ["/\\evil.example/x", "/\t/evil.example/x", "/\n/evil.example/x", "\\\\evil.example", " javascript:window.pwned=1", "java\nscript:window.pwned=1", "//evil.example", "/cart"];
      return urls.map((url, i) => {
        // A prompt object from anywhere (not only this engine's validated rules).
        assistant.show({ id: "idle:default", campaignId: "idle", text: "x", html: "x", cta: { label: "Go", url }, productIds: [], reason: { code: "x", text: "x" }, priority: 0 });
        const a = assistant.shadowRoot.querySelector(".cta");
        const got = { url, href: a.href, same: new URL(a.href).origin === location.origin };
        assistant.dismiss();
        return got;
      });
    });
    for (const { url, href, same } of hrefs) assert.ok(same && /^https?:/.test(href), `${JSON.stringify(url)} became ${href}`);
    assert.match(hrefs.at(-1).href, /\/cart$/, "a path on the site stays");
    assert.ok(hrefs.slice(0, -1).every((h) => h.href.endsWith("#")), JSON.stringify(hrefs));
    assert.deepEqual(errors, []);
  }, { path: "/tests/browser/pages/assistant.html" });
});

test("a prompt that stops being true is taken down and focus goes back where it was", async () => {
  await withPage(async ({ page, errors }) => {
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    await page.evaluate(() => { engine.track({ type: "add_to_cart", productId: "p2" }); advance(11 * 60_000); assistant.refresh(); });
    assert.equal((await bubble(page)).hidden, false);
    await page.focus("#elsewhere");
    await page.evaluate(() => {
      window.withdrawn = [];
      assistant.addEventListener("vitrin-withdrawn", (e) => window.withdrawn.push(e.detail.reason));
      assistant.focusPrompt();
    });
    // The cart is emptied (here, or another tab): the engine withdraws the prompt.
    await page.evaluate(() => engine.track({ type: "remove_from_cart", productId: "p2" }));
    await page.waitForFunction(() => assistant.shadowRoot.querySelector(".bubble").hidden);
    assert.deepEqual(await page.evaluate(() => window.withdrawn), ["no_longer_due"]);
    assert.equal(await page.evaluate(() => document.activeElement.id), "elsewhere");
    assert.equal(await page.evaluate(() => assistant.prompt), null);
    assert.deepEqual(errors, []);
  }, { path: "/tests/browser/pages/assistant.html" });
});
