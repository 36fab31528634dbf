using System.Net;
using System.Net.Sockets;

namespace DicomWeb.Server.Tests;

/// <summary>Host header filtering, the client IP allow-list, trusted proxies and CORS over real HTTP.</summary>
public sealed class HostingNetworkTests
{
    /// <summary>A client whose connections leave from <paramref name="source"/> (any 127.x address is loopback on Linux).</summary>
    private static HttpClient ClientFrom(string source, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = baseAddress };

    [Fact]
    public async Task AllowedHosts_refuses_other_Host_headers_with_400()
    {
        await using var server = await HostingTestServer.StartAsync("--AllowedHosts", "pacs.hospital.test");

        var wrong = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        wrong.Headers.Host = "attacker.test";
        var right = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        right.Headers.Host = "pacs.hospital.test";

        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task Allow_list_admits_listed_addresses_and_networks_and_refuses_others_with_403()
    {
        await using var server = await HostingTestServer.StartAsync("--DicomWeb:AllowedClients:0", "127.0.0.2", "--DicomWeb:AllowedClients:1", "127.0.1.0/24");
        using var listed = ClientFrom("127.0.0.2", server.Address);
        using var inNetwork = ClientFrom("127.0.1.77", server.Address);
        using var other = ClientFrom("127.0.0.3", server.Address);

        Assert.Equal(HttpStatusCode.OK, (await listed.GetAsync("/dicom-web")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await inNetwork.GetAsync("/dicom-web")).StatusCode);
        var refused = await other.GetAsync("/dicom-web");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("127.0.0.3", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Trusted_proxy_forwards_the_client_address_the_allow_list_then_judges()
    {
        await using var server = await HostingTestServer.StartAsync("--DicomWeb:TrustedProxies:0", "127.0.0.1",
            "--DicomWeb:AllowedClients:0", "10.20.30.0/24");

        async Task<HttpStatusCode> From(string forwardedFor)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return (await server.Client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await From("10.20.30.40"));
        Assert.Equal(HttpStatusCode.Forbidden, await From("192.0.2.1"));
        using var untrusted = ClientFrom("127.0.0.5", server.Address);
        var spoofed = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        spoofed.Headers.Add("X-Forwarded-For", "10.20.30.40");
        Assert.Equal(HttpStatusCode.Forbidden, (await untrusted.SendAsync(spoofed)).StatusCode);
    }

    [Fact]
    public async Task CORS_preflight_from_an_allowed_origin_is_answered_even_with_authentication_on()
    {
        await using var server = await HostingTestServer.StartAsync(AuthTokens.SymmetricSettings("--DicomWeb:Cors:AllowedOrigins:0", "https://viewer.hospital.test"));
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/dicom-web/studies");
        preflight.Headers.Add("Origin", "https://viewer.hospital.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        var response = await server.Client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://viewer.hospital.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        var allowedHeaders = response.Headers.GetValues("Access-Control-Allow-Headers").Single().ToLowerInvariant();
        Assert.Contains("authorization", allowedHeaders);
        Assert.Contains("content-type", allowedHeaders);
    }

    [Fact]
    public async Task CORS_actual_request_exposes_DICOMweb_headers_and_foreign_origins_get_no_grant()
    {
        await using var server = await HostingTestServer.StartAsync("--DicomWeb:Cors:AllowedOrigins:0", "https://viewer.hospital.test");
        var allowed = new HttpRequestMessage(HttpMethod.Get, "/dicom-web");
        allowed.Headers.Add("Origin", "https://viewer.hospital.test");
        var foreign = new HttpRequestMessage(HttpMethod.Options, "/dicom-web/studies");
        foreign.Headers.Add("Origin", "https://evil.test");
        foreign.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await server.Client.SendAsync(allowed);
        var refused = await server.Client.SendAsync(foreign);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://viewer.hospital.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").Single();
        foreach (var header in new[] { "Content-Type", "Content-Length", "Content-Location", "Warning", "ETag" }) Assert.Contains(header, exposed);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_configured_origins_CORS_is_off()
    {
        await using var server = await HostingTestServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web");
        request.Headers.Add("Origin", "https://viewer.hospital.test");

        var response = await server.Client.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
