// Passkeys (WebAuthn): set one up or sign in with one. Only where the browser has passkeys: the
// button stays hidden otherwise, and the page's code form (or authenticator app) works without it.

const toBytes = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
};

const toText = (buffer) => {
  let binary = "";
  new Uint8Array(buffer).forEach((byte) => { binary += String.fromCharCode(byte); });
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const creationOptions = (options) => ({
  ...options,
  challenge: toBytes(options.challenge),
  user: { ...options.user, id: toBytes(options.user.id) },
  excludeCredentials: (options.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
});

const requestOptions = (options) => ({
  ...options,
  challenge: toBytes(options.challenge),
  allowCredentials: (options.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
});

const credentialJSON = (credential) => {
  const response = credential.response;
  const json = { id: credential.id, rawId: toText(credential.rawId), type: credential.type,
                 clientExtensionResults: credential.getClientExtensionResults(), response: {
                   clientDataJSON: toText(response.clientDataJSON) } };
  if (response.attestationObject) {
    json.response.attestationObject = toText(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toText(response.authenticatorData);
    json.response.signature = toText(response.signature);
    json.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
  }
  return json;
};

async function post(url, csrf, body) {
  const response = await fetch(url, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: body ? JSON.stringify(body) : "{}" });
  let answer = {};
  try { answer = await response.json(); } catch (error) { answer = {}; }
  if (!response.ok) {
    throw new Error(answer.error || "Something went wrong. Try again");
  }
  return answer;
}

function show(widget, message) {
  const summary = widget.querySelector("[data-passkey-error]");
  widget.querySelector("[data-passkey-message]").textContent = message;
  summary.hidden = false;
  summary.focus();
}

async function run(widget) {
  const csrf = widget.dataset.csrf;
  const nameInput = widget.querySelector("[data-passkey-name]");
  const options = await post(widget.dataset.optionsUrl, csrf);
  let credential;
  try {
    credential = options.user
      ? await navigator.credentials.create({ publicKey: creationOptions(options) })
      : await navigator.credentials.get({ publicKey: requestOptions(options) });
  } catch (error) {
    throw new Error("Your passkey was not used. Try again, or use the other way on this page");
  }
  let url = widget.dataset.verifyUrl;
  if (nameInput && nameInput.value.trim()) {
    url += "?name=" + encodeURIComponent(nameInput.value.trim());
  }
  const answer = await post(url, csrf, credentialJSON(credential));
  window.location.assign(answer.redirect);
}

if (window.PublicKeyCredential && navigator.credentials) {
  document.querySelectorAll("[data-passkey]").forEach((widget) => {
    widget.hidden = false;
    const button = widget.querySelector("[data-passkey-start]");
    button.addEventListener("click", () => {
      button.disabled = true;
      run(widget).catch((error) => show(widget, error.message)).finally(() => { button.disabled = false; });
    });
  });
}
