using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DicomWeb.Server.Tests;

/// <summary>Real signed JWTs for the authentication tests, and the settings of a server that accepts them.</summary>
internal static class AuthTokens
{
    public const string Issuer = "https://idp.hospital.test/realms/radiology";
    public const string Audience = "dicomweb-server";
    public const string ReadScope = "dicomweb.read";
    public const string WriteScope = "dicomweb.write";

    /// <summary>A fresh HMAC key per test run: tokens from elsewhere can never match it.</summary>
    public static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static SigningCredentials Hmac(byte[]? key = null) => new(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256);

    /// <summary>Settings switching authentication on with the local symmetric key.</summary>
    public static string[] SymmetricSettings(params string[] more) =>
    [
        "--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:Issuer", Issuer, "--DicomWeb:Auth:Audience", Audience,
        "--DicomWeb:Auth:SymmetricKey", Convert.ToBase64String(Key), .. more,
    ];

    public static string Create(string? scope = ReadScope + " " + WriteScope, string issuer = Issuer, string audience = Audience,
        DateTime? notBefore = null, DateTime? expires = null, SigningCredentials? credentials = null, IDictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = credentials ?? Hmac(),
            Claims = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = "modality-ct1" },
        };
        if (scope != null) descriptor.Claims["scope"] = scope;
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public static string Unsigned(string scope = ReadScope + " " + WriteScope)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.Serialize(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "intruder", ["scope"] = scope, ["nbf"] = now - 60, ["iat"] = now - 60, ["exp"] = now + 600,
        });
        return Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + ".";
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token != null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
