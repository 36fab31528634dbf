using System.Text;
using System.Xml;
using DicomWeb.Multipart;
using DicomWeb.Server.Hosting;
using DicomWeb.Server.Http;
using Microsoft.AspNetCore.Routing;

namespace DicomWeb.Server;

/// <summary>
/// Retrieve Capabilities (PS3.18 §8.9): <c>OPTIONS {root}</c> and <c>GET {root}</c> describe the resources under the
/// root, their methods, parameters and declared media types, as WADL (the standard's default) or JSON. The description
/// is read from the application's endpoints at request time, so it lists exactly the routes mapped.
/// </summary>
public static class CapabilitiesEndpoints
{
    /// <summary>The WADL media type.</summary>
    public const string WadlMediaType = "application/vnd.sun.wadl+xml";

    private const string WadlNamespace = "http://wadl.dev.java.net/2009/02";

    /// <summary>Maps <c>GET</c> and <c>OPTIONS</c> on <paramref name="root"/>.</summary>
    public static IEndpointRouteBuilder MapCapabilities(this IEndpointRouteBuilder routes, string root)
    {
        routes.MapMethods(root, [HttpMethods.Get, HttpMethods.Options],
                (HttpContext context, EndpointDataSource endpoints, ServiceUrls urls) => Describe(context, endpoints, urls, root))
            .WithName(root.Trim('/').Replace('-', '_') + "_Capabilities")
            .WithTags("Capabilities")
            .WithSummary("Retrieve Capabilities: the resources, methods, parameters and media types under the root (WADL by default, or JSON)")
            .Produces(StatusCodes.Status200OK, contentType: WadlMediaType, additionalContentTypes: ["application/json"])
            .ProducesProblem(StatusCodes.Status406NotAcceptable);
        return routes;
    }

    /// <summary>The description of the routes under <paramref name="root"/>.</summary>
    public static CapabilitiesDocument Build(EndpointDataSource endpoints, string root, string baseUrl)
    {
        var resources = EndpointCatalog.RoutesUnder(endpoints, root)
            .GroupBy(route => route.Path.Length > root.Length ? route.Path[(root.TrimEnd('/').Length + 1)..] : "", StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new ResourceDescription(group.Key, group
                .SelectMany(route => (route.Methods.Count > 0 ? route.Methods : ["*"]).Select(method => new MethodDescription(
                    method,
                    route.Endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
                    route.Tags.FirstOrDefault(),
                    route.Summary,
                    route.Parameters,
                    route.RequestMediaTypes,
                    route.Responses.Select(r => new ResponseDescription(r.Status, r.MediaTypes)).ToList())))
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .ToList()))
            .ToList();
        return new CapabilitiesDocument(baseUrl.TrimEnd('/') + "/", resources);
    }

    private static IResult Describe(HttpContext context, EndpointDataSource endpoints, ServiceUrls urls, string root)
    {
        var mediaType = Negotiate(context.Request.Headers.Accept);
        if (mediaType == null)
            return TypedResults.Problem($"Accept '{context.Request.Headers.Accept}' allows neither {WadlMediaType} nor application/json",
                statusCode: StatusCodes.Status406NotAcceptable);
        var document = Build(endpoints, root, urls.BaseUrl(context.Request));
        var methods = document.Resources.FirstOrDefault(r => r.Path == "")?.Methods.Select(m => m.Name).Distinct() ?? [];
        context.Response.Headers.Allow = string.Join(", ", methods);
        return mediaType == WadlMediaType
            ? TypedResults.Bytes(Wadl(document), WadlMediaType + "; charset=utf-8")
            : TypedResults.Json(document, contentType: "application/json");
    }

    private static string? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return WadlMediaType;
        string? best = null;
        var bestQuality = 0.0;
        foreach (var value in MediaTypeHeader.ParseList(accept))
        {
            var candidate = value.MediaType switch
            {
                WadlMediaType or "application/xml" or "text/xml" or "*/*" or "application/*" => WadlMediaType,
                "application/json" => "application/json",
                _ => null,
            };
            if (candidate == null || value.Quality <= 0 || value.Quality <= bestQuality) continue;
            best = candidate;
            bestQuality = value.Quality;
        }
        return best;
    }

    // A whole WADL document is a few kilobytes even with every route; building it in memory is simplest.
    private static byte[] Wadl(CapabilitiesDocument document)
    {
        var bytes = new MemoryStream();
        using (var xml = XmlWriter.Create(bytes, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartElement("application", WadlNamespace);
            xml.WriteStartElement("resources", WadlNamespace);
            xml.WriteAttributeString("base", document.Base);
            foreach (var resource in document.Resources)
            {
                xml.WriteStartElement("resource", WadlNamespace);
                xml.WriteAttributeString("path", resource.Path);
                foreach (var name in resource.Methods.SelectMany(m => m.Parameters).Distinct())
                {
                    xml.WriteStartElement("param", WadlNamespace);
                    xml.WriteAttributeString("name", name);
                    xml.WriteAttributeString("style", "template");
                    xml.WriteAttributeString("required", "true");
                    xml.WriteEndElement();
                }
                foreach (var method in resource.Methods)
                {
                    xml.WriteStartElement("method", WadlNamespace);
                    xml.WriteAttributeString("name", method.Name);
                    if (method.Id != null) xml.WriteAttributeString("id", method.Id);
                    if (method.Service != null || method.Summary != null)
                    {
                        xml.WriteStartElement("doc", WadlNamespace);
                        if (method.Service != null) xml.WriteAttributeString("title", method.Service);
                        if (method.Summary != null) xml.WriteString(method.Summary);
                        xml.WriteEndElement();
                    }
                    if (method.RequestMediaTypes.Count > 0)
                    {
                        xml.WriteStartElement("request", WadlNamespace);
                        foreach (var mediaType in method.RequestMediaTypes) WriteRepresentation(xml, mediaType);
                        xml.WriteEndElement();
                    }
                    foreach (var response in method.Responses)
                    {
                        xml.WriteStartElement("response", WadlNamespace);
                        xml.WriteAttributeString("status", response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        foreach (var mediaType in response.MediaTypes) WriteRepresentation(xml, mediaType);
                        xml.WriteEndElement();
                    }
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        return bytes.ToArray();
    }

    private static void WriteRepresentation(XmlWriter xml, string mediaType)
    {
        xml.WriteStartElement("representation", WadlNamespace);
        xml.WriteAttributeString("mediaType", mediaType);
        xml.WriteEndElement();
    }
}

/// <summary>The capabilities of the DICOMweb root.</summary>
/// <param name="Base">The root URL the resource paths are relative to.</param>
/// <param name="Resources">The resources, by path relative to <paramref name="Base"/> (empty for the root itself).</param>
public sealed record CapabilitiesDocument(string Base, IReadOnlyList<ResourceDescription> Resources);

/// <summary>One resource (route pattern) and its methods.</summary>
/// <param name="Path">The path relative to the root, with <c>{parameter}</c> placeholders.</param>
/// <param name="Methods">The methods it answers.</param>
public sealed record ResourceDescription(string Path, IReadOnlyList<MethodDescription> Methods);

/// <summary>One method of a resource.</summary>
/// <param name="Name">The HTTP method (<c>*</c> when the route takes any).</param>
/// <param name="Id">The route's name, if it has one.</param>
/// <param name="Service">The service it belongs to (STOW-RS, QIDO-RS, WADO-RS…), from the route's tag.</param>
/// <param name="Summary">What it does.</param>
/// <param name="Parameters">The path parameters.</param>
/// <param name="RequestMediaTypes">Request media types the route declares.</param>
/// <param name="Responses">Response statuses and media types the route declares.</param>
public sealed record MethodDescription(string Name, string? Id, string? Service, string? Summary, IReadOnlyList<string> Parameters,
    IReadOnlyList<string> RequestMediaTypes, IReadOnlyList<ResponseDescription> Responses);

/// <summary>A declared response.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="MediaTypes">Its media types.</param>
public sealed record ResponseDescription(int Status, IReadOnlyList<string> MediaTypes);
