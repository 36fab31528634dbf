namespace DicomWeb.Server;

/// <summary>A one-shot HTTP probe of the liveness endpoint, for container health checks.</summary>
public static class HealthProbe
{
    /// <summary>Returns 0 when <paramref name="url"/> answers 2xx within five seconds, else 1.</summary>
    public static async Task<int> RunAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(url);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
