// A syntax error on line 3.
onmessage = () => {
  postMessage({ status: 200, body: 'never' ;
};
