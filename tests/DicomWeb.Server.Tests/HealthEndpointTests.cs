using System.Net;
using System.Net.Http.Json;
using DicomWeb.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Server_starts_on_loopback_and_answers_liveness_over_http()
    {
        await using var app = DicomWebApplication.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<HealthEndpoints.LiveStatus>();
        Assert.Equal("Healthy", body!.Status);
        Assert.True(body.TransferSyntaxesKnown > 30, $"only {body.TransferSyntaxesKnown} transfer syntaxes known");
        await app.StopAsync();
    }

    [Fact]
    public async Task Health_probe_exits_zero_against_a_live_server_and_one_against_a_closed_port()
    {
        await using var app = DicomWebApplication.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        Assert.Equal(0, await HealthProbe.RunAsync(address + "/health/live"));
        await app.StopAsync();
        Assert.Equal(1, await HealthProbe.RunAsync(address + "/health/live"));
    }
}
