using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace DicomWeb.Server.Hosting;

/// <summary>Loads the locally configured token signing keys (for networks that cannot reach an identity provider).</summary>
internal static class SigningKeys
{
    /// <summary>The keys from <c>SymmetricKey</c> and <c>SigningKeyFile</c>; throws naming the option when one is unusable.</summary>
    public static IReadOnlyList<SecurityKey> Load(AuthOptions options)
    {
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrWhiteSpace(options.SymmetricKey))
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(options.SymmetricKey.Trim());
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("DicomWeb:Auth:SymmetricKey is not base64 (generate one with: openssl rand -base64 32)");
            }
            if (bytes.Length < 32)
                throw new InvalidOperationException($"DicomWeb:Auth:SymmetricKey has {bytes.Length} bytes; at least 32 are needed");
            keys.Add(new SymmetricSecurityKey(bytes));
        }
        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
            keys.AddRange(LoadFile(options.SigningKeyFile));
        return keys;
    }

    private static IEnumerable<SecurityKey> LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"DicomWeb:Auth:SigningKeyFile '{path}' cannot be read: {e.Message}", e);
        }
        try
        {
            if (text.TrimStart().StartsWith('{'))
            {
                var set = new JsonWebKeySet(text);
                var keys = set.GetSigningKeys();
                if (keys.Count == 0) throw new InvalidOperationException("the key set holds no signing key");
                return keys;
            }
            var found = new List<SecurityKey>();
            var rest = text.AsSpan();
            while (PemEncoding.TryFind(rest, out var fields))
            {
                var label = rest[fields.Label].ToString();
                var pem = rest[fields.Location].ToString();
                found.Add(label switch
                {
                    "CERTIFICATE" => new X509SecurityKey(X509Certificate2.CreateFromPem(pem)),
                    "RSA PUBLIC KEY" => RsaKey(pem),
                    "PUBLIC KEY" => PublicKey(pem),
                    _ => throw new InvalidOperationException($"PEM block '{label}' is not a public key or certificate"),
                });
                rest = rest[fields.Location.End..];
            }
            if (found.Count == 0) throw new InvalidOperationException("no PEM public key, certificate or JSON Web Key Set found");
            return found;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"DicomWeb:Auth:SigningKeyFile '{path}': {e.Message}", e);
        }
    }

    private static RsaSecurityKey RsaKey(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa);
    }

    // SubjectPublicKeyInfo holds either an RSA or an EC key; the algorithm identifier decides which import works.
    private static SecurityKey PublicKey(string pem)
    {
        try
        {
            return RsaKey(pem);
        }
        catch (CryptographicException)
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
    }
}
