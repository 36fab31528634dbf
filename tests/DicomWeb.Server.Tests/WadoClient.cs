using System.Net.Http.Headers;
using System.Security.Cryptography;
using DicomWeb.Multipart;

namespace DicomWeb.Server.Tests;

/// <summary>One part of a multipart response, read whole (test data is small).</summary>
internal sealed record ReceivedPart(string? ContentType, string? ContentLocation, byte[] Body)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Body));
}

/// <summary>GET helpers for WADO tests: set Accept and other headers, read multipart bodies.</summary>
internal static class WadoClient
{
    public static async Task<HttpResponseMessage> GetAsync(this HttpClient client, string url, string? accept, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept != null) request.Headers.TryAddWithoutValidation("Accept", accept);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await client.SendAsync(request);
    }

    public static async Task<List<ReceivedPart>> ReadPartsAsync(HttpResponseMessage response)
    {
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/related", contentType.MediaType);
        var boundary = contentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new MultipartRelatedReader(await response.Content.ReadAsStreamAsync(), boundary);
        var parts = new List<ReceivedPart>();
        while (await reader.ReadNextPartAsync() is { } part)
        {
            var body = new MemoryStream();
            await part.Body.CopyToAsync(body);
            parts.Add(new ReceivedPart(part.ContentType, part.ContentLocation, body.ToArray()));
        }
        return parts;
    }

    public static string? Parameter(this MediaTypeHeaderValue? value, string name) =>
        value?.Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
