/**
 * Protobuf-JSON casing of client messages: message field names become lowerCamel at every depth,
 * free-form values (function args and results, JSON schemas, schema property names, examples and
 * defaults) stay verbatim.
 */
import { describe, expect, it } from 'vitest';
import { camelizeMessage } from '../../src/emulator/casing.ts';

describe('camelizeMessage', () => {
  it('keeps free-form values verbatim and camelizes only message fields', () => {
    expect(
      camelizeMessage(
        {
          turns: [
            {
              parts: [
                { function_call: { name: 'f', args: { snake_key: { inner_key: 1 } } } },
                {
                  function_response: { name: 'f', response: { snake_key: 1 }, will_continue: true },
                },
                { inline_data: { mime_type: 'image/jpeg', data: 'AA' } },
              ],
            },
          ],
          turn_complete: true,
        },
        'clientContent',
      ),
    ).toEqual({
      turns: [
        {
          parts: [
            { functionCall: { name: 'f', args: { snake_key: { inner_key: 1 } } } },
            { functionResponse: { name: 'f', response: { snake_key: 1 }, willContinue: true } },
            { inlineData: { mimeType: 'image/jpeg', data: 'AA' } },
          ],
        },
      ],
      turnComplete: true,
    });
    const declaration = {
      function_declarations: [
        {
          name: 'f',
          parameters_json_schema: { properties: { a_b: { default_value: 1 } } },
          response: {
            properties: { c_d: { type: 'STRING', max_length: '3' } },
            example: { e_f: 1 },
          },
        },
      ],
    };
    expect(camelizeMessage(declaration, 'tools')).toEqual({
      functionDeclarations: [
        {
          name: 'f',
          parametersJsonSchema: { properties: { a_b: { default_value: 1 } } },
          response: {
            properties: { c_d: { type: 'STRING', maxLength: '3' } },
            example: { e_f: 1 },
          },
        },
      ],
    });
  });
});
