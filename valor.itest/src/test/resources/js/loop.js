// Never answers: spins.
onmessage = () => { for (;;) { } };
