// Fetches the URL its config names and answers with what came back, or why it could not.
onmessage = async () => {
  try {
    const response = await fetch(valor.config);
    postMessage({ status: 200, body: `${response.status} ${await response.text()}` });
  } catch (e) {
    postMessage({ status: 502, body: `refused: ${e.message}` });
  }
};
