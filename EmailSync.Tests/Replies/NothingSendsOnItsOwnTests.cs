using EmailSync.Core.Gmail;
using EmailSync.Core.Replies;
using EmailSync.Tests.Infrastructure;
using EmailSync.Web.Components.Pages.Customers.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Reflection;
using System.Reflection.Emit;

namespace EmailSync.Tests.Replies;

/// <summary>
/// "Nothing is ever sent without the user clicking Send": the IL of EmailSync.Core and EmailSync.Web is walked to prove
/// that the only path to users.messages.send is the composer's Send button, and every HTTP endpoint is called to
/// prove none sends.
/// </summary>
public sealed class NothingSendsOnItsOwnTests(ReplyAppFactory app) : IClassFixture<ReplyAppFactory>
{
    private static readonly Assembly[] Assemblies = [typeof(ReplyService).Assembly, typeof(ReplyDialog).Assembly];

    [Fact]
    public void TheOnlyPathToGmailSend_IsTheComposersSendButton()
    {
        var graph = CallGraph.Build(Assemblies);

        var request = typeof(GmailApiService).GetNestedTypes().Single(t => t.Name == "UsersResource").GetMethod("Send")!;
        Assert.Equal(["GmailApiService.UsersResource.Send"], graph.CallersOf(typeof(SendMessageRequest).GetConstructors().Single()));
        Assert.Equal(["GmailMailboxClient.SendAsync"], graph.CallersOf(request));
        Assert.Equal(["GmailReplySender.SendAsync"], graph.CallersOf(typeof(GmailMailboxClient).GetMethod(nameof(GmailMailboxClient.SendAsync))!));
        Assert.Equal(["ReplyService.SendAsync"], graph.CallersOf(typeof(IReplySender).GetMethod(nameof(IReplySender.SendAsync))!));
        Assert.Equal(["ReplyDialog.SendAsync"], graph.CallersOf(typeof(ReplyService).GetMethod(nameof(ReplyService.SendAsync))!));

        // ReplyDialog.SendAsync is only bound to the Send button's click in the rendered markup.
        var dialogSend = typeof(ReplyDialog).GetMethod("SendAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        Assert.Equal(["ReplyDialog.BuildRenderTree"], graph.CallersOf(dialogSend));

        // One sender exists, and no hosted service, endpoint or AI path can reach another.
        Assert.Equal([typeof(GmailReplySender)], Assemblies.SelectMany(SafeTypes).Where(t => typeof(IReplySender).IsAssignableFrom(t) && !t.IsInterface));
    }

    [Fact]
    public async Task NoHttpEndpoint_Sends_EvenForAUserWhoMaySend()
    {
        await app.ResetAsync();
        var (org, userId) = await app.DemoIdsAsync(ReplyAppFactory.Csm);
        var connection = await app.ConnectWithScopesAsync(ReplyAppFactory.Csm, GmailScopes.Readonly, GmailScopes.Send);
        long messageId;
        await using (var scope = app.CreateTenantScope(org, userId))
        {
            await scope.ServiceProvider.GetRequiredService<Core.Customers.CustomerService>().CreateAsync("Acme Corp", [ReplyAppFactory.CustomerDomain]);
        }

        await app.DeliverCustomerThreadAsync();
        await app.SyncToEndAsync(connection);
        await using (var db = app.CreateSystemContext())
        {
            messageId = await db.EmailMessages.OrderByDescending(m => m.Id).Select(m => m.Id).FirstAsync();
        }

        // A draft ready to go: an endpoint that "sends drafts" would have something to send.
        await using (var scope = app.CreateTenantScope(org, userId, isAdmin: false))
        {
            var form = (await scope.ServiceProvider.GetRequiredService<ReplyService>().PrepareAsync(messageId, false, TimeZoneInfo.Utc))!;
            form.Body = "Only a click may send this.";
            await scope.ServiceProvider.GetRequiredService<ReplyDraftService>().SaveAsync(form);
        }

        var sentBefore = (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Count(m => m.LabelIds.Contains("SENT"));
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        var called = 0;
        foreach (var endpoint in endpoints)
        {
            var path = "/" + string.Join("/", endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => messageId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                _ => "",
            }))));
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods.Where(m => m is "GET" or "POST" or "PUT" or "DELETE" or "PATCH"))
            {
                using var client = await app.SignedInClientAsync(ReplyAppFactory.Csm);
                using var request = new HttpRequestMessage(new HttpMethod(method), path + "?send=true&messageId=" + messageId);
                if (method != "GET")
                {
                    request.Content = new StringContent($$"""{"messageId":{{messageId}},"body":"x","to":["a@b.co"]}""", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request);
                called++;
            }
        }

        Assert.True(called >= endpoints.Count);
        Assert.Equal(sentBefore, (await app.Emulator.GetMessagesAsync(ReplyAppFactory.Csm)).Count(m => m.LabelIds.Contains("SENT")));
        await using var check = app.CreateSystemContext();
        Assert.False(await check.AuditEvents.AnyAsync(a => a.Action == "reply.sent"));
        Assert.True(await check.ReplyDrafts.AnyAsync(d => d.EmailMessageId == messageId));
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }

    /// <summary>Who calls (or takes a delegate to) whom, from the IL of every method body; compiler-generated code maps to its source method.</summary>
    private sealed class CallGraph
    {
        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

        private readonly Dictionary<(Module, int), HashSet<string>> callers = [];

        public static CallGraph Build(IEnumerable<Assembly> assemblies)
        {
            var graph = new CallGraph();
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var type in assemblies.SelectMany(SafeTypes))
            {
                foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
                {
                    graph.Scan(method);
                }
            }

            return graph;
        }

        public IReadOnlyList<string> CallersOf(MethodBase target) =>
            callers.TryGetValue((target.Module, target.MetadataToken), out var set) ? [.. set.Order(StringComparer.Ordinal)] : [];

        private void Scan(MethodBase method)
        {
            byte[]? il;
            try
            {
                il = method.GetMethodBody()?.GetILAsByteArray();
            }
            catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or BadImageFormatException)
            {
                return;
            }

            if (il is null)
            {
                return;
            }

            var source = SourceName(method);
            var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
            var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
            for (var i = 0; i < il.Length;)
            {
                OpCode op;
                if (il[i] == 0xFE && i + 1 < il.Length)
                {
                    op = OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))];
                    i += 2;
                }
                else
                {
                    op = OpCodesByValue[il[i]];
                    i += 1;
                }

                if (op.OperandType == OperandType.InlineMethod)
                {
                    var token = BitConverter.ToInt32(il, i);
                    try
                    {
                        if (method.Module.ResolveMethod(token, typeArgs, methodArgs) is { } target)
                        {
                            var definition = target is MethodInfo { IsGenericMethod: true } generic ? generic.GetGenericMethodDefinition() : target;
                            var key = (definition.Module, definition.MetadataToken);
                            if (!callers.TryGetValue(key, out var set))
                            {
                                callers[key] = set = [];
                            }

                            set.Add(source);
                        }
                    }
                    catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException or MissingMethodException)
                    {
                        // A member of an assembly that is not loaded here; irrelevant to the targets.
                    }
                }

                i += op.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                    _ => 4,
                };
            }
        }

        /// <summary>"Type.Method" of the source method: state machines, lambdas and local functions fold into the method they belong to.</summary>
        private static string SourceName(MethodBase method)
        {
            var name = method.Name;
            var type = method.DeclaringType!;
            if (name.StartsWith('<'))
            {
                name = name[1..name.IndexOf('>', StringComparison.Ordinal)];
            }

            while (type.Name.StartsWith('<') && type.DeclaringType is { } outer)
            {
                if (type.Name.Contains(">d__", StringComparison.Ordinal) || type.Name.Contains(">g__", StringComparison.Ordinal))
                {
                    name = type.Name[1..type.Name.IndexOf('>', StringComparison.Ordinal)];
                }

                type = outer;
            }

            var typeName = type.DeclaringType is { } parent && !parent.Name.StartsWith('<') ? $"{parent.Name}.{type.Name}" : type.Name;
            return $"{typeName}.{name}";
        }
    }
}
