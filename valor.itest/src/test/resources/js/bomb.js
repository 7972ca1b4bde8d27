// Allocates without end.
onmessage = () => {
  const hoard = [];
  for (;;) hoard.push(new Array(100000).fill(hoard.length));
};
