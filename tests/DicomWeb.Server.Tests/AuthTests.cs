using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using DicomWeb.Dicom.Tests;
using DicomWeb.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace DicomWeb.Server.Tests;

/// <summary>One server with JWT authentication on (local HMAC key), shared by the token tests.</summary>
public sealed class AuthServerFixture : IAsyncLifetime
{
    internal HostingTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await HostingTestServer.StartAsync(AuthTokens.SymmetricSettings());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>JWT bearer authentication over real HTTP with real signed tokens.</summary>
public sealed class AuthTests(AuthServerFixture fixture) : IClassFixture<AuthServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Authentication_is_off_by_default_so_routes_answer_without_a_token()
    {
        await using var server = await ServerHarness.StartAsync();

        var capabilities = await server.Client.GetAsync("/dicom-web");
        var store = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().Part(await File.ReadAllBytesAsync(TestData.PathOf("native/ct_explicit_le.dcm"))).Close().ToContent());

        Assert.Equal(HttpStatusCode.OK, capabilities.StatusCode);
        Assert.Equal(HttpStatusCode.OK, store.StatusCode);
    }

    [Fact]
    public async Task No_token_gets_401_with_a_bare_bearer_challenge_and_a_problem_body()
    {
        var response = await Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bearer token", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Valid_token_with_read_scope_reads()
    {
        var response = await Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", AuthTokens.Create(AuthTokens.ReadScope)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Valid_token_with_write_scope_stores()
    {
        var request = AuthTokens.Request(HttpMethod.Post, "/dicom-web/studies", AuthTokens.Create(AuthTokens.WriteScope));
        request.Content = new MultipartBody().Part(await File.ReadAllBytesAsync(TestData.PathOf("native/mr_implicit_le.dcm"))).Close().ToContent();

        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string, string> RefusedTokens()
    {
        var now = DateTime.UtcNow;
        return new TheoryData<string, string, string>
        {
            { "expired", AuthTokens.Create(notBefore: now.AddHours(-2), expires: now.AddHours(-1)), "expired" },
            { "not yet valid", AuthTokens.Create(notBefore: now.AddHours(1), expires: now.AddHours(2)), "not valid before" },
            { "wrong signature", AuthTokens.Create(credentials: AuthTokens.Hmac(RandomNumberGenerator.GetBytes(32))), "signature" },
            { "wrong issuer", AuthTokens.Create(issuer: "https://idp.elsewhere.test"), "issuer" },
            { "wrong audience", AuthTokens.Create(audience: "another-service"), "audience" },
            { "alg none", AuthTokens.Unsigned(), "" },
            { "not a JWT", "not-a-token", "" },
        };
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Refused_token_gets_401_invalid_token(string name, string token, string reason)
    {
        var response = await Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", token));

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
        var challenge = response.Headers.WwwAuthenticate.Single().ToString();
        Assert.StartsWith("Bearer error=\"invalid_token\"", challenge);
        Assert.Contains(reason, challenge, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Read_scope_cannot_store_403_names_the_missing_write_scope()
    {
        var request = AuthTokens.Request(HttpMethod.Post, "/dicom-web/studies", AuthTokens.Create(AuthTokens.ReadScope));
        request.Content = new MultipartBody().Part(await File.ReadAllBytesAsync(TestData.PathOf("native/ct_explicit_le.dcm"))).Close().ToContent();

        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Bearer error=\"insufficient_scope\", scope=\"dicomweb.write\"", response.Headers.WwwAuthenticate.Single().ToString());
        Assert.Contains("dicomweb.write", await response.Content.ReadAsStringAsync());
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        Assert.False(Directory.Exists(Path.Combine(fixture.Server.DataPath, "blobs", "studies", TestData.Entry("native/ct_explicit_le.dcm").GetProperty("study_instance_uid").GetString()!)));
    }

    [Fact]
    public async Task Write_scope_alone_cannot_read_and_no_scope_at_all_cannot_either()
    {
        var writeOnly = await Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", AuthTokens.Create(AuthTokens.WriteScope)));
        var none = await Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", AuthTokens.Create(scope: null)));

        Assert.Equal(HttpStatusCode.Forbidden, writeOnly.StatusCode);
        Assert.Equal("Bearer error=\"insufficient_scope\", scope=\"dicomweb.read\"", writeOnly.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
    }

    [Fact]
    public async Task Roles_and_scp_arrays_grant_like_scope()
    {
        var role = AuthTokens.Create(scope: null, claims: new Dictionary<string, object> { ["roles"] = new[] { "viewer", AuthTokens.ReadScope } });
        var scp = AuthTokens.Create(scope: null, claims: new Dictionary<string, object> { ["scp"] = new[] { AuthTokens.ReadScope } });

        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", role))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", scp))).StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData("/swagger/index.html")]
    public async Task Health_metrics_and_swagger_stay_anonymous(string path)
    {
        var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_mapped_route_answers_401_without_a_token_except_health_and_metrics()
    {
        var endpoints = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var anonymous = new List<string>();
        var checkedRoutes = new List<string>();
        foreach (var endpoint in endpoints)
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "DELETE"])
            {
                var url = RouteSamples.Url(endpoint);
                var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT") request.Content = new MultipartBody().Part([1, 2, 3]).Close().ToContent();
                var response = await Client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
                    checkedRoutes.Add($"{method} {endpoint.RoutePattern.RawText}");
                }
                else anonymous.Add($"{method} {endpoint.RoutePattern.RawText} -> {(int)response.StatusCode}");
            }

        // Health and metrics endpoints are mapped for any method; only they may answer without a token.
        Assert.True(anonymous.All(entry => Regex.IsMatch(entry, @"^\w+ /(health/\w+|metrics) ")), string.Join("; ", anonymous));
        Assert.Contains(anonymous, entry => entry.StartsWith("GET /health/ready ", StringComparison.Ordinal));
        Assert.Contains("POST /dicom-web/studies", checkedRoutes);
        Assert.Contains("GET /dicom-web", checkedRoutes);
        Assert.Contains("OPTIONS /dicom-web", checkedRoutes);
        // Every route under the root and the aliases was among those checked.
        var dicomWebRoutes = endpoints.Where(e => Regex.IsMatch(e.RoutePattern.RawText ?? "", "^/(dicom-web|stowrs|qidors|wadors|wado)(/|$)")).ToList();
        Assert.True(dicomWebRoutes.Count >= 3, $"only {dicomWebRoutes.Count} DICOMweb routes mapped");
        Assert.All(dicomWebRoutes, e => Assert.Contains(checkedRoutes, c => c.EndsWith(" " + e.RoutePattern.RawText, StringComparison.Ordinal)));
        // Unknown paths are refused too, rather than revealing what exists.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync("/no/such/route")).StatusCode);
    }

    [Fact]
    public async Task With_a_read_token_every_read_route_passes_and_every_write_route_is_forbidden()
    {
        var token = AuthTokens.Create(AuthTokens.ReadScope);
        var endpoints = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var writes = 0;
        foreach (var endpoint in endpoints)
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var request = AuthTokens.Request(new HttpMethod(method), RouteSamples.Url(endpoint), token);
                if (method is "POST" or "PUT") request.Content = new MultipartBody().Part([1, 2, 3]).Close().ToContent();
                var status = (await Client.SendAsync(request)).StatusCode;
                var route = $"{method} {endpoint.RoutePattern.RawText}";
                if (method is "GET" or "HEAD" or "OPTIONS")
                    Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{route}: {(int)status}");
                else
                {
                    Assert.True(status == HttpStatusCode.Forbidden, $"{route}: {(int)status}");
                    writes++;
                }
            }
        Assert.True(writes >= 2, $"only {writes} write routes found");
    }
}

/// <summary>Authentication with an RSA public key file and with OpenID Connect discovery.</summary>
public sealed class AuthKeyTests
{
    [Fact]
    public async Task RSA_public_key_file_validates_RS256_tokens_and_refuses_HMAC_ones()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(Path.GetTempPath(), $"dicomweb-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, rsa.ExportSubjectPublicKeyInfoPem());
        try
        {
            await using var server = await HostingTestServer.StartAsync("--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:Issuer", AuthTokens.Issuer,
                "--DicomWeb:Auth:Audience", AuthTokens.Audience, "--DicomWeb:Auth:SigningKeyFile", keyFile);
            var signed = AuthTokens.Create(credentials: new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256));
            var hmac = AuthTokens.Create();

            Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", signed))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", hmac))).StatusCode);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task Authority_discovery_supplies_issuer_and_keys()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        await using var authority = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]).Build();
        string? issuer = null;
        authority.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer!, ["jwks_uri"] = issuer + "/keys",
        }));
        authority.MapGet("/keys", () => Results.Json(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", kid = "k1", alg = "RS256", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        }));
        await authority.StartAsync();
        issuer = authority.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        await using var server = await HostingTestServer.StartAsync("--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:Authority", issuer,
            "--DicomWeb:Auth:RequireHttpsMetadata", "false", "--DicomWeb:Auth:Audience", AuthTokens.Audience);
        var key = new RsaSecurityKey(rsa) { KeyId = "k1" };
        var good = AuthTokens.Create(issuer: issuer, credentials: new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        var otherIssuer = AuthTokens.Create(credentials: new SigningCredentials(key, SecurityAlgorithms.RsaSha256));

        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", good))).StatusCode);
        var refused = await server.Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/dicom-web", otherIssuer));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await authority.StopAsync();
    }

    [Fact]
    public async Task Health_can_be_put_behind_the_token_too()
    {
        await using var server = await HostingTestServer.StartAsync(AuthTokens.SymmetricSettings("--DicomWeb:Auth:AnonymousHealth", "false"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(AuthTokens.Request(HttpMethod.Get, "/health/live", AuthTokens.Create()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/metrics")).StatusCode);
    }
}

/// <summary>Sample URLs for route patterns, so tests can call every mapped route.</summary>
internal static class RouteSamples
{
    public static string Url(RouteEndpoint endpoint) =>
        Regex.Replace(EndpointCatalog.PathOf(endpoint.RoutePattern), @"\{(\w+)\}", match => match.Groups[1].Value switch
        {
            "frames" or "frame" => "1",
            "path" => "7FE00010",
            _ => "1.2.826.0.1.3680043.8.498.1",
        });
}
