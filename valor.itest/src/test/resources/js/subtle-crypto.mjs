// A module-style handler that uses crypto.subtle the way JWT and webhook-signature middleware do
// and reports what each operation gave: JsIT runs it in Valor and under Node 20 and expects the
// same report. The keys are test keys, made once by Node's own generateKey; OAEP_SEALED is
// 'oaep secret' sealed by Node for KEYS.rsa with SHA-256 and the label 'lbl'.
const OAEP_SEALED = 'JXReGFm4WhtM6I88w/w8kWxHsKWbS0R1r3Wb9ZXLJVr8v7UPYl4jIg6C4W8UM7pdosQA05aMaIfBGEUTRZ+IOnhJbpZ1T9XCWdQsKJdTRLhmVVoSbZ1iqDgAiA7ehF4fEK7xbO+v8JzGejTHgDXBfagZBZHEqe3GiO44KlB3Eurkb9/XYH8agdtme7Qi8/z30Sg1gkPMxFuxNxVY+hM57qPiI+LG093ga9q7q01+akT23OeiumaeONNWx9G0yl1vPbqL0bK/NB8SQqB482elOVFTwNTH1TW3Y0vxjW5Sftfd3VVYrrDA0bZx4mczZJpLpZh1vA0RJhmiha9SWAeT/g==';
const KEYS = {
 "rsa": {
  "kty": "RSA",
  "n": "vYI7O9ty8eSRdd9-PedMTD2FIqlpuun6NZfY2g8YOqVfc-9PaIhMLMVF48vD_NJp7Z1WbsDr1L291qHHzRbOzMmnd0bMQNywY_neDBqfoCC_wJ-Zfebxo_Qt05x9T5vmWyouUEwhTKm2QjkURVNgRXgTirN5kGoMkJHepJvXvnA-HuWiroGf_Bw6aMMU4V6EbZwA768ow2GLTOIQHCzZnNMpiB3Sspqfdk2SqYZsfEgPxWIWfgB6ZCGE5Q6kt0mq8O8YIRdCo9mjieht8fPU3gEMw6tr2t7fRH56ikYeVpTbncwzWLuzLORcirUZBkmI4A0fwpigvux77ZqQ2vwwqQ",
  "e": "AQAB",
  "d": "A6YeDlSF-OPI1XVdmhXjNjOnKYr805eS6YedE6a6DDu8zz30Ix162B8ESE9IGOdLzavseD11xXmzr7Ox_HbTubapOhxcg9yd2NpAcp9zbyTuhLr3YlXsCh625-GWFFXcXZ3yiaMmGIVwu8cbOcEVsiolA1ueBT899rE9-s3ijoHFiaCbFVUbfAaUu8e5AMRg6cFve4dxlLO4FkfvFEITaWEedeAp1tSkbfwnvDJ8CtSVEoUcwJkk1bTPvzehaCoeGSBgkjacto-o7_T7eowiKNvk-x6SIh0Z1HG-LpX13uUZHP82UT5tNbowFYMcxOsUAd9I19KPXa5bv1Puk8cEMQ",
  "p": "8duj7GKsp6yc2lFpIL8qImvrToaXwAijDTbwVqafC1LZ2syE7DWYn80XXi452C1VmvMYz-2_oQQEY5mq_sdcJW7YeZP06SASQ3ZomRj4q4givV4DBtL4mDWyXZSth9x7DdHUfA1SWePrfCKYQvdpcR17jClypBTqQ9ML8jOC6hs",
  "q": "yJb6TOMcjJUnGn4gav0SxWLtHcK3SQ1MuXGK3fwfLTM9dQdkc0U6VQzPdzDQCgqPYRkoiMIiDlr1aBQw-IL_rc5kFQceRXeH5QvzIRRYk95OcnF9zM9YqSw9njSToFPiPULnVsdGVsWJw9_l9L7CmJfxNe7z71hRvczQocSmfIs",
  "dp": "qBNjT5sjMUMbnfyFemRe-5zT4bZXLvTRmxVa4FzamhvxmcQXe6-jaSo12xV0zW5z10KpM5adXWBVTII1-ujAeKMXfSX9RSUsjAV1my9nYI0y1zbGE6_5Yo2ubqosDgaC3Y-8gpkfaaiitZm1BpS5igpbGYSUTsLaKlg4LRDvIZE",
  "dq": "M8f1uV9vgUMHoykoCTZnYBkXiPU5B1ytj7ml1YQ-MBboKIvN_IvEcSwramNpcQ4k0TYDZrpmvDny2_lKYvy-MAn1gBAkWl5u8EvTaZis_Q8IRTbS-MoV4yYOigacjWjaIGJjAd3TZJb951inLjUIWwfuNrQGuKSeBVcYDIqNR90",
  "qi": "d5YlXdqYeFsCpuxiTdqGU32kzJiJQtBs6Z3AmOdbcGGC-b-2V74I7BpW8O8M67Nt7swROX_Jsgt1uheH-2XJA37_O-FekNrBFPBb74UuGnOpSUOMc6sGUAmcVD1-n2TIq5da96zcPZVKgKKUV94qziO1iwtWWEMyYY14sB-TL4k"
 },
 "ec": {
  "kty": "EC",
  "x": "HayPUhNvzMz6fNxtIlylpggDdiXh_YkKAM4KQPBpp0g",
  "y": "fDC0N6aIdbcCEJoinMXJqzOgfdwM5_F-t_Rp_1Ff7GE",
  "crv": "P-256",
  "d": "e0zdpDaHkaaj9KuEpgL2BHFcakLPE5JDXEajJJsBZls"
 },
 "ec2": {
  "kty": "EC",
  "x": "dNLWfcThFZoFogVTaHrrDxgNqzSnZlX1sZ2n2sRmvWM",
  "y": "zgWo9n-qYShCD16vlcqjIZHz3Jz9qHEyKptvlsLimHk",
  "crv": "P-256",
  "d": "XA98E0tWoAitLyWt33ctwAGLIK00lLhIhDkFt3nMq9c"
 },
 "xa": {
  "kty": "OKP",
  "crv": "X25519",
  "d": "qISBBwzH0x9p1g9xsMxAzCgKfdMJ24QlYvrDwW3BHVg",
  "x": "yFgV4xNNn61KnItkltj_LlPmTjx1YIhy7k9OQhByfns"
 },
 "xb": {
  "kty": "OKP",
  "crv": "X25519",
  "d": "iFBurn6AD5YI0mqD0eFlCHG6640iX4rHPgnF90RQblU",
  "x": "hgovaEe4iejk8ntiMWqMaYsCPQQQ9fNTNBgaPit8f1o"
 },
 "ed": {
  "crv": "Ed25519",
  "d": "uvCTMc4dGK5PtLDmZOXhGryFkD1UYfLEAtGauOlSgRs",
  "x": "SQg-mntGtQl1HYIvp0B4BEuNvmh-vxFsPL1wx1UBm2A",
  "kty": "OKP"
 }
};
const enc = s => new TextEncoder().encode(s);
const hex = b => [...new Uint8Array(b)].map(x => x.toString(16).padStart(2, '0')).join('');
const refusal = async f => { try { await f(); return 'no error'; } catch (e) { return e.name; } };
const publicOf = jwk => { const { d, p, q, dp, dq, qi, ...pub } = jwk; return pub; };
const s = crypto.subtle;

export async function handler() {
  const r = {};
  for (const h of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) r[h] = hex(await s.digest(h, enc('abc')));
  r.digestView = hex(await s.digest({ name: 'sha-256' }, new Uint8Array([0, 97, 98, 99]).subarray(1)));

  const message = enc('The quick brown fox jumps over the lazy dog');
  const hmac = await s.importKey('raw', enc('key'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
  const mac = await s.sign('HMAC', hmac, message);
  r.hmac = hex(mac);
  r.hmacKey = `${hmac.type} ${hmac.extractable} ${JSON.stringify(hmac.algorithm)} ${hmac.usages}`;
  r.hmacVerify = `${await s.verify('HMAC', hmac, mac, message)} ${await s.verify('HMAC', hmac, mac, enc('tampered'))}`;
  const fromJwk = await s.importKey('jwk', await s.exportKey('jwk', hmac), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  r.hmacJwk = `${(await s.exportKey('jwk', hmac)).k} ${await s.verify('HMAC', fromJwk, mac, message)} ${hex(await s.exportKey('raw', hmac))}`;
  // InvalidAccessError (Node 20 names it InvalidAccessException)
  r.notExtractable = (await refusal(() => s.exportKey('raw', fromJwk))).startsWith('InvalidAccess');
  r.wrongUsage = await refusal(() => s.sign('HMAC', fromJwk, message));

  const aesKey = await s.importKey('raw', new Uint8Array(16).fill(7), 'AES-GCM', true, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12).fill(1);
  const sealed = await s.encrypt({ name: 'AES-GCM', iv, additionalData: enc('aad') }, aesKey, enc('secret text'));
  r.aesGcm = hex(sealed);
  r.aesGcmOpen = new TextDecoder().decode(await s.decrypt({ name: 'AES-GCM', iv, additionalData: enc('aad') }, aesKey, sealed));
  const broken = new Uint8Array(sealed); broken[0] ^= 1;
  r.aesGcmTampered = await refusal(() => s.decrypt({ name: 'AES-GCM', iv, additionalData: enc('aad') }, aesKey, broken));
  const cbc = await s.importKey('raw', new Uint8Array(32).fill(3), { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
  r.aesCbc = hex(await s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, cbc, enc('sixteen bytes!!!')));
  r.aesShortKey = await refusal(() => s.importKey('raw', new Uint8Array(5), 'AES-GCM', false, ['encrypt']));

  const ecPrivate = await s.importKey('jwk', KEYS.ec, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const ecPublic = await s.importKey('jwk', publicOf(KEYS.ec), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const ecSig = await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, ecPrivate, message);
  const ecSpki = await s.importKey('spki', await s.exportKey('spki', ecPublic), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const ecRaw = await s.exportKey('raw', ecPublic);
  const ecFromRaw = await s.importKey('raw', ecRaw, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  r.ecdsa = [ecSig.byteLength, await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, ecPublic, ecSig, message),
    await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, ecSpki, ecSig, message),
    await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, ecFromRaw, ecSig, message),
    await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, ecPublic, ecSig, enc('other')), ecRaw.byteLength,
    JSON.stringify(ecPublic.algorithm), (await s.exportKey('jwk', ecPublic)).x === KEYS.ec.x].join(' ');
  r.privateVerifies = await refusal(() => s.verify({ name: 'ECDSA', hash: 'SHA-256' }, ecPrivate, ecSig, message));

  const edPrivate = await s.importKey('jwk', KEYS.ed, 'Ed25519', false, ['sign']);
  const edPublic = await s.importKey('jwk', publicOf(KEYS.ed), 'Ed25519', true, ['verify']);
  const edSig = await s.sign('Ed25519', edPrivate, message);
  const edRaw = await s.importKey('raw', await s.exportKey('raw', edPublic), 'Ed25519', true, ['verify']);
  r.ed25519 = `${hex(edSig)} ${await s.verify('Ed25519', edPublic, edSig, message)} ${await s.verify('Ed25519', edRaw, edSig, message)} ${await s.verify('Ed25519', edPublic, edSig, enc('x'))}`;

  const rsaAlg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const rsaPrivate = await s.importKey('jwk', KEYS.rsa, rsaAlg, false, ['sign']);
  const rsaPublic = await s.importKey('jwk', publicOf(KEYS.rsa), rsaAlg, true, ['verify']);
  const rsaSig = await s.sign('RSASSA-PKCS1-v1_5', rsaPrivate, message);
  const rsaSpki = await s.importKey('spki', await s.exportKey('spki', rsaPublic), rsaAlg, true, ['verify']);
  r.rsaPkcs1 = `${hex(rsaSig).slice(0, 64)} ${await s.verify('RSASSA-PKCS1-v1_5', rsaPublic, rsaSig, message)} ${await s.verify('RSASSA-PKCS1-v1_5', rsaSpki, rsaSig, message)} ${rsaPublic.algorithm.modulusLength} ${[...rsaPublic.algorithm.publicExponent]} ${rsaPublic.algorithm.hash.name}`;
  const pssAlg = { name: 'RSA-PSS', hash: 'SHA-256' };
  const pssPrivate = await s.importKey('jwk', KEYS.rsa, pssAlg, false, ['sign']);
  const pssPublic = await s.importKey('jwk', publicOf(KEYS.rsa), pssAlg, false, ['verify']);
  const pssSig = await s.sign({ name: 'RSA-PSS', saltLength: 32 }, pssPrivate, message);
  r.rsaPss = `${pssSig.byteLength} ${await s.verify({ name: 'RSA-PSS', saltLength: 32 }, pssPublic, pssSig, message)} ${await s.verify({ name: 'RSA-PSS', saltLength: 32 }, pssPublic, pssSig, enc('x'))}`;

  const password = await s.importKey('raw', enc('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
  r.pbkdf2 = hex(await s.deriveBits({ name: 'PBKDF2', salt: enc('salt'), iterations: 1000, hash: 'SHA-256' }, password, 256));
  const derived = await s.deriveKey({ name: 'PBKDF2', salt: enc('salt'), iterations: 10, hash: 'SHA-1' }, password, { name: 'AES-GCM', length: 128 }, true, ['encrypt']);
  r.deriveKey = `${hex(await s.exportKey('raw', derived))} ${JSON.stringify(derived.algorithm)} ${derived.usages}`;
  const ikm = await s.importKey('raw', new Uint8Array(22).fill(11), 'HKDF', false, ['deriveBits']);
  r.hkdf = hex(await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(13).map((_, i) => i), info: new Uint8Array(10).map((_, i) => 0xf0 + i) }, ikm, 336));

  const made = await s.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
  const madeMac = await s.sign('HMAC', made, message);
  r.generatedHmac = `${made.algorithm.length} ${(await s.exportKey('raw', made)).byteLength} ${await s.verify('HMAC', made, madeMac, message)}`;
  const pair = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const pairSig = await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, message);
  r.generatedPair = `${pair.publicKey.usages} ${pair.privateKey.usages} ${pair.publicKey.extractable} ${pair.privateKey.extractable} ${await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, pairSig, message)}`;
  const aes = await s.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  r.generatedAes = `${aes.algorithm.length} ${(await s.exportKey('raw', aes)).byteLength}`;

  // Key agreement: both sides derive the same secret, and it is the one Node derives.
  const ecdhAlg = { name: 'ECDH', namedCurve: 'P-256' };
  const ecdhA = await s.importKey('jwk', KEYS.ec, ecdhAlg, false, ['deriveBits', 'deriveKey']);
  const ecdhB = await s.importKey('jwk', KEYS.ec2, ecdhAlg, false, ['deriveBits']);
  const ecdhBPublic = await s.importKey('jwk', publicOf(KEYS.ec2), ecdhAlg, true, []);
  const ecdhAPublic = await s.importKey('raw', await s.exportKey('raw', await s.importKey('jwk', publicOf(KEYS.ec), ecdhAlg, true, [])), ecdhAlg, true, []);
  const ab = await s.deriveBits({ name: 'ECDH', public: ecdhBPublic }, ecdhA, 256);
  const ba = await s.deriveBits({ name: 'ECDH', public: ecdhAPublic }, ecdhB, 256);
  const ecdhKey = await s.deriveKey({ name: 'ECDH', public: ecdhBPublic }, ecdhA, { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']);
  r.ecdh = `${hex(ab)} ${hex(ab) === hex(ba)} ${hex(await s.deriveBits({ name: 'ECDH', public: ecdhBPublic }, ecdhA, 128))} ${hex(await s.exportKey('raw', ecdhKey))} ${JSON.stringify(ecdhBPublic.algorithm)} ${ecdhBPublic.usages.length}`;
  r.ecdhPublicUsage = await refusal(() => s.importKey('jwk', publicOf(KEYS.ec2), ecdhAlg, true, ['deriveBits']));
  r.ecdhWrongKey = await refusal(() => s.deriveBits({ name: 'ECDH', public: ecPublic }, ecdhA, 256));
  const xA = await s.importKey('jwk', KEYS.xa, 'X25519', false, ['deriveBits']);
  const xB = await s.importKey('jwk', KEYS.xb, { name: 'X25519' }, false, ['deriveBits']);
  const xAPublic = await s.importKey('jwk', publicOf(KEYS.xa), 'X25519', true, []);
  const xBPublic = await s.importKey('raw', await s.exportKey('raw', await s.importKey('jwk', publicOf(KEYS.xb), 'X25519', true, [])), 'X25519', true, []);
  const xab = await s.deriveBits({ name: 'X25519', public: xBPublic }, xA, 256);
  r.x25519 = `${hex(xab)} ${hex(xab) === hex(await s.deriveBits({ name: 'X25519', public: xAPublic }, xB, 256))} ${(await s.exportKey('jwk', xAPublic)).x === KEYS.xa.x} ${(await s.exportKey('spki', xAPublic)).byteLength} ${JSON.stringify(xAPublic.algorithm)}`;
  const xPair = await s.generateKey({ name: 'X25519' }, true, ['deriveBits']);
  const ecPair = await s.generateKey(ecdhAlg, false, ['deriveKey']);
  r.generatedAgreement = `${xPair.publicKey.usages.length} ${xPair.privateKey.usages} ${(await s.deriveBits({ name: 'X25519', public: xBPublic }, xPair.privateKey, 256)).byteLength} ${ecPair.privateKey.usages} ${ecPair.publicKey.extractable}`;

  // RSA-OAEP: what Node sealed opens here, and what is sealed here opens again.
  const oaepAlg = { name: 'RSA-OAEP', hash: 'SHA-256' };
  const oaepPrivate = await s.importKey('jwk', KEYS.rsa, oaepAlg, false, ['decrypt', 'unwrapKey']);
  const oaepPublic = await s.importKey('jwk', publicOf(KEYS.rsa), oaepAlg, true, ['encrypt', 'wrapKey']);
  const nodeSealed = Uint8Array.from(atob(OAEP_SEALED), c => c.charCodeAt(0));
  const label = enc('lbl');
  const resealed = await s.encrypt({ name: 'RSA-OAEP', label }, oaepPublic, enc('round trip'));
  r.rsaOaep = `${new TextDecoder().decode(await s.decrypt({ name: 'RSA-OAEP', label }, oaepPrivate, nodeSealed))} ${resealed.byteLength} ${new TextDecoder().decode(await s.decrypt({ name: 'RSA-OAEP', label }, oaepPrivate, resealed))}`;
  r.rsaOaepWrongLabel = await refusal(() => s.decrypt({ name: 'RSA-OAEP', label: enc('other') }, oaepPrivate, nodeSealed));
  r.rsaOaepPublicDecrypts = (await refusal(() => s.decrypt('RSA-OAEP', oaepPublic, nodeSealed))).startsWith('InvalidAccess');

  // Wrapping: AES-KW (RFC 3394's vectors come out as Node's), AES-GCM over a JWK, RSA-OAEP.
  const kek = await s.importKey('raw', new Uint8Array(16).map((_, i) => i), 'AES-KW', true, ['wrapKey', 'unwrapKey']);
  const payload = await s.importKey('raw', new Uint8Array(16).map((_, i) => i * 17), { name: 'AES-GCM' }, true, ['encrypt', 'decrypt']);
  const kw = await s.wrapKey('raw', payload, kek, 'AES-KW');
  const unwrapped = await s.unwrapKey('raw', kw, kek, 'AES-KW', 'AES-GCM', true, ['decrypt']);
  r.aesKw = `${hex(kw)} ${hex(await s.exportKey('raw', unwrapped))} ${unwrapped.usages} ${JSON.stringify(kek.algorithm)}`;
  const kwBroken = new Uint8Array(kw); kwBroken[3] ^= 1;
  r.aesKwTampered = await refusal(() => s.unwrapKey('raw', kwBroken, kek, 'AES-KW', 'AES-GCM', true, ['decrypt']));
  r.aesKwUsage = await refusal(() => s.encrypt('AES-KW', kek, enc('12345678')));
  const gcmWrapper = await s.importKey('raw', new Uint8Array(32).fill(9), 'AES-GCM', false, ['wrapKey', 'unwrapKey']);
  const wrappedJwk = await s.wrapKey('jwk', hmac, gcmWrapper, { name: 'AES-GCM', iv });
  const hmacBack = await s.unwrapKey('jwk', wrappedJwk, gcmWrapper, { name: 'AES-GCM', iv }, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  r.wrapJwk = `${wrappedJwk.byteLength} ${await s.verify('HMAC', hmacBack, mac, message)} ${hmacBack.extractable}`;
  const rsaWrapped = await s.wrapKey('raw', payload, oaepPublic, oaepAlg);
  const rsaUnwrapped = await s.unwrapKey('raw', rsaWrapped, oaepPrivate, oaepAlg, 'AES-GCM', true, ['encrypt']);
  r.wrapRsa = `${rsaWrapped.byteLength} ${hex(await s.exportKey('raw', rsaUnwrapped))}`;
  r.wrapNotExtractable = (await refusal(() => s.wrapKey('raw', fromJwk, kek, 'AES-KW'))).startsWith('InvalidAccess');
  r.wrapWithoutUsage = (await refusal(() => s.wrapKey('raw', payload, aesKey, { name: 'AES-GCM', iv }))).startsWith('InvalidAccess');

  // A private key exports as the JWK it came from (Node 20 writes the same members).
  const same = async (jwk, alg, usages) => {
    const back = await s.exportKey('jwk', await s.importKey('jwk', jwk, alg, true, usages));
    return Object.keys(jwk).every(m => back[m] === jwk[m]) + ' ' + [back.alg, back.ext, back.key_ops].join(' ');
  };
  r.privateJwk = [await same(KEYS.rsa, { name: 'RSA-PSS', hash: 'SHA-512' }, ['sign']), await same(KEYS.ed, 'Ed25519', ['sign']),
    await same(KEYS.xa, 'X25519', ['deriveBits']), await same(KEYS.rsa, oaepAlg, ['decrypt'])].join(' | ');
  r.secretJwk = [JSON.stringify(await s.exportKey('jwk', hmac)), (await s.exportKey('jwk', kek)).alg, (await s.exportKey('jwk', aes)).alg].join(' ');

  r.unknown = await refusal(() => s.digest('MD5', enc('x')));
  r.notAKey = await refusal(() => s.sign('HMAC', {}, message));
  r.types = `${typeof CryptoKey} ${typeof SubtleCrypto} ${crypto.subtle instanceof SubtleCrypto} ${hmac instanceof CryptoKey} ${Object.prototype.toString.call(hmac)}`;
  return Response.json(r);
}
