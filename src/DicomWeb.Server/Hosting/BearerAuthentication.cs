using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// JWT bearer authentication and the read/write rule. The rule is the authorization fallback policy, so it covers every
/// endpoint (and every route added later) that does not say otherwise: GET, HEAD and OPTIONS need the read scope,
/// other methods the write scope; health, metrics and Swagger are anonymous when configured so.
/// </summary>
internal static class BearerAuthentication
{
    public static void AddDicomWebAuthentication(this IServiceCollection services, AuthOptions auth, MetricsOptions metrics)
    {
        var keys = SigningKeys.Load(auth);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            // Keep claim names as issued ("scope", "scp", "roles") instead of the WS-Federation URIs.
            options.MapInboundClaims = false;
            options.Authority = string.IsNullOrWhiteSpace(auth.Authority) ? null : auth.Authority;
            if (!string.IsNullOrWhiteSpace(auth.MetadataAddress)) options.MetadataAddress = auth.MetadataAddress;
            options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = string.IsNullOrWhiteSpace(auth.Issuer) ? null : auth.Issuer,
                ValidateAudience = true,
                ValidAudience = auth.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                IssuerSigningKeys = keys.Count > 0 ? keys : null,
                ClockSkew = TimeSpan.FromSeconds(auth.ClockSkewSeconds),
                NameClaimType = "sub",
                RoleClaimType = "roles",
            };
            options.Events = new JwtBearerEvents { OnChallenge = WriteChallengeAsync };
        });
        services.AddAuthorization(options =>
            options.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new DicomWebAccessRequirement()).Build());
        services.AddSingleton(new AccessRules(auth, metrics));
        services.AddSingleton<IAuthorizationHandler, DicomWebAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessDeniedResultHandler>();
    }

    // RFC 6750 §3: a request without a token gets a bare challenge; a bad token gets error="invalid_token" and why.
    private static async Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var challenge = "Bearer";
        if (context.Error != null)
        {
            challenge += $" error=\"{context.Error}\"";
            if (context.ErrorDescription != null) challenge += $", error_description=\"{context.ErrorDescription.Replace("\"", "'")}\"";
        }
        context.Response.Headers.WWWAuthenticate = challenge;
        var detail = context.AuthenticateFailure == null
            ? "this route requires a bearer token: Authorization: Bearer <JWT>"
            : $"the bearer token was refused: {context.ErrorDescription ?? "invalid token"}";
        await TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(context.HttpContext);
    }
}

/// <summary>The fallback requirement: anonymous paths pass, others need a token with the scope their method calls for.</summary>
internal sealed class DicomWebAccessRequirement : IAuthorizationRequirement;

/// <summary>Which paths are anonymous and which scope a method needs.</summary>
internal sealed class AccessRules(AuthOptions auth, MetricsOptions metrics)
{
    public bool IsAnonymous(PathString path) =>
        auth.AnonymousHealth && path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || auth.AnonymousMetrics && metrics.Enabled && path.StartsWithSegments(metrics.Path, StringComparison.OrdinalIgnoreCase)
        || auth.AnonymousSwagger && path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase);

    /// <summary>The scope <paramref name="method"/> requires, or null when none is configured.</summary>
    public string? RequiredScope(string method) =>
        NullIfEmpty(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ? auth.ReadScope : auth.WriteScope);

    /// <summary>Whether the token grants <paramref name="scope"/>, as an OAuth scope (<c>scope</c>, <c>scp</c>) or a role (<c>roles</c>, <c>role</c>).</summary>
    public static bool Grants(ClaimsPrincipal user, string scope) =>
        user.Claims.Any(claim => claim.Type switch
        {
            "scope" or "scp" => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal),
            "roles" or "role" or ClaimTypes.Role => claim.Value == scope,
            _ => false,
        });

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>Why a request was refused: the scope the token lacks.</summary>
internal sealed class MissingScope(IAuthorizationHandler handler, string scope)
    : AuthorizationFailureReason(handler, $"the token lacks the scope or role '{scope}'")
{
    public string Scope { get; } = scope;
}

/// <summary>Decides <see cref="DicomWebAccessRequirement"/>.</summary>
internal sealed class DicomWebAccessHandler(AccessRules rules) : AuthorizationHandler<DicomWebAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DicomWebAccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http) return Task.CompletedTask;
        if (rules.IsAnonymous(http.Request.Path))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        // Not succeeding without a user makes the middleware challenge (401); failing with a user makes it forbid (403).
        if (context.User.Identity?.IsAuthenticated != true) return Task.CompletedTask;
        var scope = rules.RequiredScope(http.Request.Method);
        if (scope == null || AccessRules.Grants(context.User, scope)) context.Succeed(requirement);
        else context.Fail(new MissingScope(this, scope));
        return Task.CompletedTask;
    }
}

/// <summary>Answers 403 with <c>WWW-Authenticate: Bearer error="insufficient_scope"</c> and a problem body naming the scope.</summary>
internal sealed class AccessDeniedResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var missing = authorizeResult.AuthorizationFailure?.FailureReasons.OfType<MissingScope>().FirstOrDefault();
        context.Response.Headers.WWWAuthenticate = missing == null
            ? "Bearer error=\"insufficient_scope\""
            : $"Bearer error=\"insufficient_scope\", scope=\"{missing.Scope}\"";
        await TypedResults.Problem(missing?.Message ?? "the token does not allow this request",
            statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(context);
    }
}
