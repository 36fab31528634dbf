using System.Net;
using System.Net.Http.Json;

namespace DicomWeb.Server.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Server_starts_on_loopback_and_answers_liveness_over_http()
    {
        await using var server = await ServerHarness.StartAsync();

        var response = await server.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<HealthEndpoints.LiveStatus>();
        Assert.Equal("Healthy", body!.Status);
        Assert.True(body.TransferSyntaxesKnown > 30, $"only {body.TransferSyntaxesKnown} transfer syntaxes known");
    }

    [Fact]
    public async Task Health_probe_exits_zero_against_a_live_server_and_one_against_a_closed_port()
    {
        await using var server = await ServerHarness.StartAsync();
        var url = new Uri(server.Client.BaseAddress!, "/health/live").ToString();

        Assert.Equal(0, await HealthProbe.RunAsync(url));
        await server.StopAsync();
        Assert.Equal(1, await HealthProbe.RunAsync(url));
    }
}
