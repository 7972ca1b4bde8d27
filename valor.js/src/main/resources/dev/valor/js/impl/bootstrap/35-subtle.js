// A part of the bootstrap, in the closure 00-prelude.js opens (Bootstrap.java lists the order).
  // ---- crypto.subtle: shapes and keys here, the computing in the JDK's providers (SubtleCrypto.java) ----
  const CIPHERS = ['AES-GCM', 'AES-CBC', 'AES-CTR', 'RSA-OAEP'];
  const OPERATIONS = { // which algorithms each operation takes; another is a NotSupportedError, as WebCrypto has it
    digest: ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'],
    sign: ['HMAC', 'ECDSA', 'Ed25519', 'RSASSA-PKCS1-v1_5', 'RSA-PSS'],
    encrypt: CIPHERS,
    deriveBits: ['PBKDF2', 'HKDF', 'ECDH', 'X25519'],
    wrapKey: ['AES-KW', ...CIPHERS],
  };
  OPERATIONS.verify = OPERATIONS.sign; OPERATIONS.decrypt = CIPHERS;
  OPERATIONS.deriveKey = OPERATIONS.deriveBits; OPERATIONS.unwrapKey = OPERATIONS.wrapKey;
  const CIPHER_USES = ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], AGREEMENT = [['deriveBits', 'deriveKey'], []];
  const USAGES = { // what a key of each algorithm may do: [secret or private, public]
    HMAC: [['sign', 'verify']], 'AES-GCM': [CIPHER_USES], 'AES-CBC': [CIPHER_USES], 'AES-CTR': [CIPHER_USES],
    'AES-KW': [['wrapKey', 'unwrapKey']], PBKDF2: [['deriveBits', 'deriveKey']], HKDF: [['deriveBits', 'deriveKey']],
    ECDSA: [['sign'], ['verify']], Ed25519: [['sign'], ['verify']], 'RSASSA-PKCS1-v1_5': [['sign'], ['verify']],
    'RSA-PSS': [['sign'], ['verify']], 'RSA-OAEP': [['decrypt', 'unwrapKey'], ['encrypt', 'wrapKey']],
    ECDH: AGREEMENT, X25519: AGREEMENT,
  };
  const ALGORITHMS = [...new Set([...Object.values(OPERATIONS).flat(), ...Object.keys(USAGES)])];
  const bufferSource = (v, what) => {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return toBytes(v);
    throw new TypeError(`${what} must be an ArrayBuffer or a view of one`);
  };
  // An algorithm as a name or an object, its name as the standard spells it, buffers as Latin-1;
  // given an operation, one that the operation takes.
  function normalize(algorithm, op) {
    const given = typeof algorithm === 'string' ? { name: algorithm } : algorithm;
    if (given === null || typeof given !== 'object' || given.name === undefined) throw new TypeError('an algorithm is a name, or an object with a name');
    const name = ALGORITHMS.find(a => a.toLowerCase() === String(given.name).toLowerCase());
    if (name === undefined || (op !== undefined && !OPERATIONS[op].includes(name))) throw new DOMException('Unrecognized algorithm name', 'NotSupportedError');
    const out = { name };
    for (const k of Object.keys(given)) {
      const v = given[k];
      if (k === 'name') continue;
      if (k === 'hash') out.hash = normalize(v).name;
      else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) out[k] = bytesToLatin1(toBytes(v));
      else if (v instanceof CryptoKey) out[k] = v; // ECDH's public key: agreement() takes its material
      else out[k] = v;
    }
    return out;
  }
  function hostCrypto(op, alg, ...args) {
    const [refusal, value] = host.subtle(op, JSON.stringify(alg), ...args.map(a => (a === undefined ? null : a)));
    if (refusal !== null) throw new DOMException(value, refusal);
    return value;
  }
  const buffer = latin1 => latin1ToBytes(latin1).buffer;

  const KEY = Symbol('CryptoKey'); // only this closure makes keys
  let keyParts; // (key) => { material, spec }: what the host needs of it
  class CryptoKey {
    #type; #extractable; #algorithm; #usages; #material; #spec;
    constructor(key, type, extractable, algorithm, usages, material, spec) {
      if (key !== KEY) throw new TypeError('Illegal constructor');
      this.#type = type; this.#extractable = extractable; this.#algorithm = algorithm;
      this.#usages = usages; this.#material = material; this.#spec = spec;
    }
    get type() { return this.#type; }
    get extractable() { return this.#extractable; }
    get algorithm() { return this.#algorithm; }
    get usages() { return this.#usages; }
    get [Symbol.toStringTag]() { return 'CryptoKey'; }
    static { keyParts = k => ({ material: k.#material, spec: k.#spec, usages: k.#usages, type: k.#type, extractable: k.#extractable }); }
  }
  // A key from what the host gives ({type, material, length, namedCurve, modulusLength, publicExponent}).
  function makeKey(made, alg, extractable, usages) {
    const allowed = USAGES[alg.name][made.type === 'public' ? 1 : 0];
    const bad = usages.find(u => !allowed.includes(u));
    if (bad !== undefined) throw new DOMException(`a ${made.type} ${alg.name} key cannot be used to ${bad}`, 'SyntaxError');
    const algorithm = { name: alg.name };
    const spec = { name: alg.name };
    if (alg.hash !== undefined) { algorithm.hash = { name: alg.hash }; spec.hash = alg.hash; }
    if (alg.name === 'HMAC' || alg.name.startsWith('AES')) algorithm.length = made.length;
    if (made.namedCurve !== undefined) { algorithm.namedCurve = made.namedCurve; spec.namedCurve = made.namedCurve; }
    if (made.modulusLength !== undefined) {
      algorithm.modulusLength = made.modulusLength;
      algorithm.publicExponent = latin1ToBytes(made.publicExponent);
    }
    return new CryptoKey(KEY, made.type, made.type === 'public' ? true : !!extractable, Object.freeze(algorithm),
      Object.freeze([...usages]), made.material, spec);
  }
  function usable(key, usage, alg) {
    if (!(key instanceof CryptoKey)) throw new TypeError('the key must be a CryptoKey');
    const k = keyParts(key);
    if (alg !== undefined && key.algorithm.name !== alg.name) throw new DOMException(`the key is for ${key.algorithm.name}, not ${alg.name}`, 'InvalidAccessError');
    if (!k.usages.includes(usage)) throw new DOMException(`the key may not be used to ${usage}`, 'InvalidAccessError');
    return k;
  }
  const withKey = (alg, k) => ({ ...k.spec, ...alg, hash: k.spec.hash ?? alg.hash });
  // ECDH and X25519: the other side's public key, of the same algorithm and curve, as its material.
  function agreement(alg, base) {
    if (alg.name !== 'ECDH' && alg.name !== 'X25519') return alg;
    const other = alg.public;
    if (!(other instanceof CryptoKey)) throw new TypeError(`${alg.name} needs the other side's public key`);
    if (other.type !== 'public') throw new DOMException('the other side\'s key must be a public key', 'InvalidAccessError');
    if (other.algorithm.name !== base.algorithm.name || other.algorithm.namedCurve !== base.algorithm.namedCurve) {
      throw new DOMException('the public key is not of the same algorithm and curve', 'InvalidAccessError');
    }
    return { ...alg, public: keyParts(other).material };
  }
  const sequence = usages => {
    if (usages === null || typeof usages !== 'object' || typeof usages[Symbol.iterator] !== 'function') throw new TypeError('the key usages must be a sequence');
    return [...usages].map(String);
  };

  class SubtleCrypto {
    constructor(key) { if (key !== KEY) throw new TypeError('Illegal constructor'); }
    async digest(algorithm, data) {
      const alg = normalize(algorithm, 'digest');
      return buffer(hostCrypto('digest', alg, bytesToLatin1(bufferSource(data, 'the data'))));
    }
    async importKey(format, keyData, algorithm, extractable, keyUsages) {
      const alg = normalize(algorithm), usages = sequence(keyUsages);
      if (USAGES[alg.name] === undefined) throw new DOMException(`${alg.name} has no keys`, 'NotSupportedError');
      const f = String(format);
      if (f === 'jwk' && (keyData === null || typeof keyData !== 'object' || ArrayBuffer.isView(keyData))) throw new TypeError('a JWK is an object');
      const data = f === 'jwk' ? JSON.stringify(keyData) : bytesToLatin1(bufferSource(keyData, 'the key data'));
      return makeKey(JSON.parse(hostCrypto('importKey', alg, f, data)), alg, extractable, usages);
    }
    async exportKey(format, key) {
      if (!(key instanceof CryptoKey)) throw new TypeError('the key must be a CryptoKey');
      const k = keyParts(key);
      if (!k.extractable) throw new DOMException('the key is not extractable', 'InvalidAccessError');
      const out = hostCrypto('exportKey', k.spec, String(format), k.type, k.material);
      if (format !== 'jwk') return buffer(out);
      return { key_ops: [...k.usages], ext: k.extractable, ...JSON.parse(out) };
    }
    async sign(algorithm, key, data) {
      const alg = normalize(algorithm, 'sign'), k = usable(key, 'sign', alg);
      return buffer(hostCrypto('sign', withKey(alg, k), k.type, k.material, bytesToLatin1(bufferSource(data, 'the data'))));
    }
    async verify(algorithm, key, signature, data) {
      const alg = normalize(algorithm, 'verify'), k = usable(key, 'verify', alg);
      return hostCrypto('verify', withKey(alg, k), k.type, k.material,
        bytesToLatin1(bufferSource(signature, 'the signature')), bytesToLatin1(bufferSource(data, 'the data'))) === 'true';
    }
    async encrypt(algorithm, key, data) {
      return buffer(cipher('encrypt', 'encrypt', normalize(algorithm, 'encrypt'), key, bufferSource(data, 'the data')));
    }
    async decrypt(algorithm, key, data) {
      return buffer(cipher('decrypt', 'decrypt', normalize(algorithm, 'decrypt'), key, bufferSource(data, 'the data')));
    }
    async deriveBits(algorithm, baseKey, length) {
      const alg = normalize(algorithm, 'deriveBits'), k = usable(baseKey, 'deriveBits', alg);
      return buffer(hostCrypto('deriveBits', agreement(withKey(alg, k), baseKey), k.type, k.material, String(length ?? null)));
    }
    async deriveKey(algorithm, baseKey, derivedKeyAlgorithm, extractable, keyUsages) {
      const alg = normalize(algorithm, 'deriveKey'), k = usable(baseKey, 'deriveKey', alg), target = normalize(derivedKeyAlgorithm);
      const bits = target.length ?? (target.name === 'HMAC' ? (target.hash === 'SHA-384' || target.hash === 'SHA-512' ? 1024 : 512) : undefined);
      if (bits === undefined) throw new TypeError(`the derived ${target.name} key needs a length`);
      const raw = hostCrypto('deriveBits', agreement(withKey(alg, k), baseKey), k.type, k.material, String(bits));
      return this.importKey('raw', latin1ToBytes(raw), target, extractable, keyUsages);
    }
    async generateKey(algorithm, extractable, keyUsages) {
      const alg = normalize(algorithm), usages = sequence(keyUsages);
      if (USAGES[alg.name] === undefined || alg.name === 'PBKDF2' || alg.name === 'HKDF') throw new DOMException(`no keys to generate for ${alg.name}`, 'NotSupportedError');
      const made = JSON.parse(hostCrypto('generateKey', alg));
      if (!Array.isArray(made)) return makeKey(made, alg, extractable, usages);
      const [priv, pub] = USAGES[alg.name];
      return {
        publicKey: makeKey(made[0], alg, true, usages.filter(u => pub.includes(u))),
        privateKey: makeKey(made[1], alg, extractable, usages.filter(u => priv.includes(u))),
      };
    }
    // Wrapping is exporting then encrypting, and unwrapping decrypting then importing, as the standard says.
    async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      const alg = normalize(wrapAlgorithm, 'wrapKey');
      usable(wrappingKey, 'wrapKey', alg);
      if (!(key instanceof CryptoKey)) throw new TypeError('the key must be a CryptoKey');
      const exported = await this.exportKey(format, key);
      const data = format === 'jwk' ? new TextEncoder().encode(JSON.stringify(exported)) : new Uint8Array(exported);
      return buffer(cipher('encrypt', 'wrapKey', alg, wrappingKey, data));
    }
    async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
      const alg = normalize(unwrapAlgorithm, 'unwrapKey');
      const opened = latin1ToBytes(cipher('decrypt', 'unwrapKey', alg, unwrappingKey, bufferSource(wrappedKey, 'the wrapped key')));
      let keyData = opened;
      if (format === 'jwk') {
        try { keyData = JSON.parse(new TextDecoder().decode(opened)); } catch { throw new DOMException('the unwrapped key is not a JWK', 'DataError'); }
      }
      return this.importKey(format, keyData, unwrappedKeyAlgorithm, extractable, keyUsages);
    }
  }
  // One encryption or decryption by the host for an operation, whose usage the key must have.
  function cipher(hostOp, op, alg, key, bytes) {
    const k = usable(key, op, alg);
    return hostCrypto(hostOp, withKey(alg, k), k.type, k.material, bytesToLatin1(bytes));
  }
  class Crypto {
    constructor(key) { if (key !== KEY) throw new TypeError('Illegal constructor'); }
  }
  const subtle = new SubtleCrypto(KEY);
  Object.defineProperty(Crypto.prototype, 'subtle', { get: () => subtle, enumerable: true });
  for (const [k, v] of Object.entries(cryptoBase)) Object.defineProperty(Crypto.prototype, k, { value: v, enumerable: true });
  g.crypto = Object.freeze(new Crypto(KEY));
  g.Crypto = Crypto;
  g.CryptoKey = CryptoKey;
  g.SubtleCrypto = SubtleCrypto;
