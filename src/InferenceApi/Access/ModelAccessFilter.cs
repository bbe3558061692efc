using InferenceApi.Errors;

namespace InferenceApi.Access;

/// <summary>
/// An endpoint filter factory for every API route: on a route whose handler binds an <see cref="IModelRequest"/> body, a
/// model outside the caller's list is answered 403 in the route family's shape before the handler runs. Routes that name
/// the model in the path (<c>{name}</c>) are checked by <see cref="AccessControlMiddleware"/>; routes that read their body
/// themselves (multipart images) call <see cref="HttpAccess.AuthorizeModel"/>.
/// </summary>
public static class ModelAccessFilter
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var index = Array.FindIndex(context.MethodInfo.GetParameters(), p => typeof(IModelRequest).IsAssignableFrom(p.ParameterType));
        if (index < 0)
        {
            return next;
        }

        return invocation =>
            invocation.Arguments[index] is IModelRequest request && invocation.HttpContext.AuthorizeModel(request.Model) is { } denied
                ? ValueTask.FromResult<object?>(new ErrorResult(denied))
                : next(invocation);
    }
}
