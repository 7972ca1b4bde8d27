// A module-style handler that uses crypto.subtle the way JWT and webhook-signature middleware do
// and reports what each operation gave: JsIT runs it in Valor and under Node 20 and expects the
// same report. The keys are test keys, made once by Node's own generateKey.
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

  r.unknown = await refusal(() => s.digest('MD5', enc('x')));
  r.notAKey = await refusal(() => s.sign('HMAC', {}, message));
  r.types = `${typeof CryptoKey} ${typeof SubtleCrypto} ${crypto.subtle instanceof SubtleCrypto} ${hmac instanceof CryptoKey} ${Object.prototype.toString.call(hmac)}`;
  return Response.json(r);
}
