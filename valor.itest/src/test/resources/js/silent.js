// Takes the message and never answers, with nothing scheduled.
onmessage = () => {};
