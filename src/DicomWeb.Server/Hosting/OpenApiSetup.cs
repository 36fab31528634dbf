using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DicomWeb.Server.Hosting;

/// <summary>Swagger UI at <c>/swagger</c> and the OpenAPI document at <c>/swagger/v1/swagger.json</c>.</summary>
internal static class OpenApiSetup
{
    public const string BearerScheme = "bearer";

    public static void AddDicomWebOpenApi(this IServiceCollection services, HostingOptions hosting)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "DICOMweb Server",
                Version = "v1",
                Description = "STOW-RS, QIDO-RS and WADO-RS (DICOM PS3.18). Every route the server maps is listed here; "
                    + "routes whose handlers read the body as a stream show the media types they take in their summaries.",
            });
            // Nested records of different endpoint classes may share a short name.
            options.CustomSchemaIds(type => (type.FullName ?? type.Name).Replace('+', '.'));
            options.ResolveConflictingActions(descriptions => descriptions.First());
            options.DocumentFilter<UndescribedEndpoints>();
            options.AddOperationFilterInstance(new DicomWebOperations(hosting));
            if (hosting.Auth.Enabled)
                options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = $"A JWT from the configured issuer; reads need scope '{hosting.Auth.ReadScope}', writes '{hosting.Auth.WriteScope}'.",
                });
        });
    }

    public static void UseDicomWebOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "DICOMweb Server v1");
            options.DocumentTitle = "DICOMweb Server";
        });
    }

    /// <summary>
    /// Adds the endpoints ApiExplorer cannot describe (those mapped with a bare request delegate, such as the health
    /// check and metrics endpoints), so the document lists every route of <see cref="EndpointDataSource"/>.
    /// </summary>
    private sealed class UndescribedEndpoints(EndpointDataSource endpoints) : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            document.Paths ??= new OpenApiPaths();
            foreach (var route in EndpointCatalog.Routes(endpoints))
            {
                if (!document.Paths.TryGetValue(route.Path, out var existing))
                {
                    existing = new OpenApiPathItem();
                    document.Paths[route.Path] = existing;
                }
                if (existing is not OpenApiPathItem item) continue;
                foreach (var method in route.Methods.Count > 0 ? route.Methods : ["GET"])
                {
                    var httpMethod = new HttpMethod(method);
                    item.Operations ??= new Dictionary<HttpMethod, OpenApiOperation>();
                    if (item.Operations.ContainsKey(httpMethod)) continue;
                    item.Operations[httpMethod] = new OpenApiOperation
                    {
                        Summary = route.Summary ?? route.Endpoint.DisplayName,
                        Tags = new HashSet<OpenApiTagReference> { new(route.Tags.FirstOrDefault() ?? "Operations", document) },
                        Parameters = route.Parameters.Select(name => (IOpenApiParameter)new OpenApiParameter
                        {
                            Name = name,
                            In = ParameterLocation.Path,
                            Required = true,
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        }).ToList(),
                        Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "OK" } },
                    };
                }
            }
        }
    }

    /// <summary>
    /// Per operation: the bearer requirement with its 401/403 answers when authentication is on, the problem answers
    /// every DICOMweb route may give, and the STOW-RS request body (read as a stream, so ApiExplorer cannot see it).
    /// </summary>
    private sealed class DicomWebOperations(HostingOptions hosting) : IOperationFilter
    {
        private readonly AccessRules _rules = new(hosting.Auth, hosting.Metrics);

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var path = "/" + (context.ApiDescription.RelativePath ?? "").Split('?')[0];
            var method = context.ApiDescription.HttpMethod ?? "GET";
            operation.Responses ??= new OpenApiResponses();
            if (hosting.Auth.Enabled && !_rules.IsAnonymous(path))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid bearer token (WWW-Authenticate says why)" });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The token lacks scope '{_rules.RequiredScope(method)}'" });
            }
            if (HttpMethods.IsPost(method) && operation.RequestBody == null && IsStudiesRoute(path))
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "multipart/related; type=\"application/dicom\" (Part 10 instances), or type=\"application/dicom+json\" / \"application/dicom+xml\" (metadata followed by bulk data parts)",
                    Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        ["multipart/related"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                };
            }
        }

        private static bool IsStudiesRoute(string path)
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments.Length >= 1 && segments[^1] == "studies" || segments.Length >= 2 && segments[^2] == "studies";
        }
    }
}
